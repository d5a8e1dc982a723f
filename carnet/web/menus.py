"""The main menu, built from the entries every app declares (carnet/core/registry.py)."""

from dataclasses import dataclass, field

import rules
from django.urls import reverse

from carnet.core.registry import declared


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str | None = None
    children: tuple["MenuItem", ...] = field(default_factory=tuple)


class Allowed:
    """Whether the request's user may see a declared entry; each permission checked once."""

    def __init__(self, request):
        self.user = request.user
        self.establishment = getattr(request, "establishment", None)
        self.checked: dict[str, bool] = {}

    def __call__(self, entry) -> bool:
        if not self.user.is_authenticated:
            return False
        if entry.profiles and self.user.profile not in entry.profiles:
            return False
        if entry.permission is None:
            return True
        if entry.permission not in self.checked:
            self.checked[entry.permission] = rules.has_perm(
                entry.permission, self.user, self.establishment
            )
        return self.checked[entry.permission]


def menu_for(request) -> tuple[MenuItem, ...]:
    """Top-level items in the order of their entries; a group (drop-down) sits where its
    first entry would, its entries in their own order."""
    allowed = Allowed(request)
    entries = sorted((e for e in declared("MENU") if allowed(e)), key=lambda e: e.order)
    top: list[MenuItem | str] = []
    groups: dict[str, list[MenuItem]] = {}
    for entry in entries:
        item = MenuItem(entry.label, reverse(entry.url_name))
        if not entry.group:
            top.append(item)
            continue
        if entry.group not in groups:
            groups[entry.group] = []
            top.append(entry.group)
        groups[entry.group].append(item)
    return tuple(
        MenuItem(item, children=tuple(groups[item])) if isinstance(item, str) else item
        for item in top
    )
