from carnet.core.registry import HomeBlock, MenuEntry

MENU = (MenuEntry("Module d'essai", "web:home", permission="sample_module.use", order=50),)
HOME_BLOCKS = (
    HomeBlock(
        "sample_module/_block.html",
        lambda request: {"who": request.user.first_name},
        permission="sample_module.use",
    ),
)
