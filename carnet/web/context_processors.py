from django.conf import settings

from carnet.web.menus import menu_for


def navigation(request) -> dict:
    return {
        "platform_name": settings.PLATFORM_NAME,
        "menu": menu_for(request) if hasattr(request, "user") else (),
        "current_establishment": getattr(request, "establishment", None),
    }
