"""What the preview pages show of a batch's changes."""

from carnet.imports.plans import ACCOUNT


def split_changes(changes: list[dict]) -> tuple[list[dict], list[dict]]:
    """(the changes of the data, those of the accounts: the preview lists them apart)."""
    data = [c for c in changes if c["kind"] != ACCOUNT]
    accounts = [c for c in changes if c["kind"] == ACCOUNT]
    return data, accounts


def to_confirm(changes: list[dict]) -> list[dict]:
    """The changes the administrator confirms one by one (a DIR given the head profile)."""
    return [c for c in changes if c.get("confirm")]
