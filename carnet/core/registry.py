"""What each app declares for the pages of others: its menu entries and its home blocks.

An app that has something to show in the main menu or on the home page says so in its own
``navigation.py`` module, as plain data::

    MENU = (MenuEntry("Importation des fichiers SIECLE", "imports:siecle",
                      permission="imports.manage", group=IMPORTS, order=10),)
    HOME_BLOCKS = (HomeBlock("imports/blocks/_last_import.html", last_import_context,
                             permission="imports.manage", order=20),)

``declared("MENU")`` collects those of every installed app, in ``INSTALLED_APPS`` order: adding
a module means adding its app (and its URLs); nothing here or in another app changes.
Entries are shown to whoever holds their permission (django-rules, on the current
establishment) and has one of their ``profiles`` (all profiles when empty).
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import module_has_submodule

MODULE = "navigation"


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    # A django-rules permission on request.establishment; None: any signed-in user.
    permission: str | None = None
    # Profile values (carnet.core.profiles.Profile) the entry is for; empty: every profile.
    profiles: tuple[str, ...] = ()
    # Label of the drop-down the entry sits in (« Gérer les imports »); "" at the top level.
    group: str = ""
    order: int = 100


@dataclass(frozen=True)
class HomeBlock:
    """A section of the home page: ``template`` rendered with ``context(request)``.

    ``context`` returns the template's context, or None to show nothing (nothing to say).
    """

    template: str
    context: Callable | None = None
    permission: str | None = None
    profiles: tuple[str, ...] = ()
    order: int = 100


@cache
def _navigation_modules() -> tuple:
    modules = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            modules.append(importlib.import_module(f"{config.name}.{MODULE}"))
    return tuple(modules)


@receiver(setting_changed)
def _installed_apps_changed(*, setting, **kwargs) -> None:
    if setting == "INSTALLED_APPS":
        _navigation_modules.cache_clear()


def declared(name: str) -> list:
    """Everything the installed apps declare under ``name`` (``MENU``, ``HOME_BLOCKS``…)."""
    return [item for module in _navigation_modules() for item in getattr(module, name, ())]


@dataclass(frozen=True)
class ListTab:
    """A tab an app adds to a list page of another app, e.g. the « Inspecteurs » tab that
    carnet.inspection adds to « Gestion des utilisateurs » (``page="accounts.users"``).

    ``rows(establishment=…, search=…)`` gives the rows (paginated by the page), which
    ``template`` shows as a table (``page_obj``); ``caption(n)`` words their count.
    """

    page: str
    key: str
    label: str
    rows: Callable
    template: str
    caption: Callable
    help_text: str = ""
    order: int = 100


def list_tabs(page: str) -> list[ListTab]:
    return sorted((t for t in declared("LIST_TABS") if t.page == page), key=lambda t: t.order)


@dataclass(frozen=True)
class PageBlock:
    """A section an app adds to a page of another app (the scenario's page shows its
    evaluations: carnet.evaluations declares it, carnet.scenarios knows nothing of it).

    The page says where blocks go with ``{% page_blocks "scenarios.detail" scenario %}``
    (carnet/core/templatetags/carnet.py); ``context(request, obj)`` returns the template's
    context, or None to show nothing; ``permission`` is checked on ``obj``.
    """

    page: str
    template: str
    context: Callable
    permission: str | None = None
    order: int = 100


def page_blocks(page: str) -> list[PageBlock]:
    return sorted((b for b in declared("PAGE_BLOCKS") if b.page == page), key=lambda b: b.order)


@dataclass(frozen=True)
class TransferFile:
    """An attachment of a transferred item: its SHA-256, size, and how to read it."""

    sha256: str
    size: int
    open: Callable  # () → a binary file object


@dataclass(frozen=True)
class TransferItem:
    """One recorded thing of a pupil that follows them to another establishment."""

    key: str  # stable at the sender: the same item sent twice has the same key
    data: dict  # JSON; attachments named by their SHA-256
    files: tuple[TransferFile, ...] = ()


@dataclass(frozen=True)
class TransferKind:
    """What an app sends when a pupil's record is transferred (``TRANSFER_KINDS`` in its
    ``navigation.py``), and how the receiving establishment shows it.

    ``export(*, establishment, pupil)`` → the pupil's items (TransferItem); at the
    destination every item is kept as sent, read-only (``template`` shows one, its ``data``
    as ``item``); ``receive(*, establishment, pupil, items, files)``, when given, also makes
    live rows of them (a passport entry the pupil keeps), ``files``: sha256 → storage name.
    """

    kind: str
    label: str
    export: Callable
    template: str
    receive: Callable | None = None
    order: int = 100


def transfer_kinds() -> list[TransferKind]:
    return sorted(declared("TRANSFER_KINDS"), key=lambda k: k.order)
