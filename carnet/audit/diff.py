"""One way to say what a change changed, for the audit trail: ``{label: [old, new]}``."""

import datetime
from collections.abc import Collection, Mapping
from typing import Any

# What the audit trail shows of a personal value (a learner's name, birth date, INE): that it
# changed, never what it is (carnet/audit/models.py).
PERSONAL_VALUE = "(donnée personnelle)"


def audit_value(value: Any, names: Mapping | None = None) -> str:
    """A value as the audit trail shows it: a code by its label, a date dd/mm/yyyy, a yes/no
    « Oui »/« Non », nothing as ""."""
    if names is not None and value in names:
        value = names[value]
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def audit_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    labels: Mapping[str, str],
    names: Mapping[str, Mapping] | None = None,
    personal: Collection[str] = (),
) -> dict[str, list[str]]:
    """The fields of ``labels`` (in its order) whose value differs between ``before`` and
    ``after``, as ``{label: [old, new]}``; a field missing from ``after`` is not changed.

    ``names`` gives, per field, the label of each code (a division's code for its pk, « Sorti »
    for ``sorti``…); a ``personal`` field is recorded as changed, without its values.
    """
    names = names or {}
    changes = {}
    for field, label in labels.items():
        if field not in after:
            continue
        old, new = before.get(field), after[field]
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        if field in personal:
            changes[label] = [
                PERSONAL_VALUE if old not in (None, "") else "",
                PERSONAL_VALUE if new not in (None, "") else "",
            ]
        else:
            changes[label] = [
                audit_value(old, names.get(field)),
                audit_value(new, names.get(field)),
            ]
    return changes
