from carnet.core.registry import MenuEntry

IMPORTS = "Gérer les imports"


def _entry(label: str, url_name: str, order: int) -> MenuEntry:
    return MenuEntry(label, url_name, "imports.manage", group=IMPORTS, order=order)


MENU = (
    _entry("Importation des fichiers SIECLE", "imports:siecle", 10),
    _entry("Apprenants hors SIECLE", "imports:outside_list", 11),
    _entry("Historique des imports", "imports:history", 12),
)
