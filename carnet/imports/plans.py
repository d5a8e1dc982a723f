"""What every import plan (SIECLE/STS, hors SIECLE) shares: its changes, its checks.

A plan says every change an import would make (``changes``, the list the preview shows) and
every problem found (``problems``: an error refuses the import). Its ``digest`` fingerprints
the changes: « Confirmer l'import » applies a preview only while the plan, computed again in
the transaction, is exactly the one previewed.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from carnet.imports.parsers.common import Problem, error


@dataclass(frozen=True)
class Change:
    """One line of « Liste des changements ». Batches store it as JSON (``as_dict``).

    ``ref`` and ``confirm`` mark a change the administrator confirms in the preview (a DIR
    of STS-web given the head profile): ``confirm`` says what, ``ref`` whom (an STS id).
    """

    kind: str  # « Élève », « Division », « Personnel », « Compte »…
    action: str  # « créé », « modifié », « sorti »…
    label: str  # who or what
    details: tuple[str, ...] = ()
    ref: str = ""
    confirm: str = ""

    def as_dict(self) -> dict:
        data = {
            "kind": self.kind,
            "action": self.action,
            "label": self.label,
            "details": list(self.details),
        }
        if self.confirm:
            data.update(ref=self.ref, confirm=self.confirm)
        return data


# The kind of the changes that enable or disable an existing account: the preview lists
# them in a section of their own.
ACCOUNT = "Compte"


class PlanChecks:
    """Mixed into every plan, which has ``changes`` (list of Change) and ``problems``."""

    @property
    def digest(self) -> str:
        """Fingerprint of what the plan changes: a preview is applied only if still exact."""
        basis = [change.as_dict() for change in self.changes]
        return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def refused(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    def changes_as_dicts(self) -> list[dict]:
        return [change.as_dict() for change in self.changes]

    def applied_changes(self) -> list[dict]:
        """The changes as the history keeps them once applied."""
        return self.changes_as_dicts()


def display_value(value) -> str:
    """A value as the preview shows it: dates dd/mm/yyyy, empty as « (vide) »."""
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def excerpt(value: str, length: int = 40) -> str:
    """The start of a (too long) value, printable, to name it in a message."""
    shown = "".join(c if c.isprintable() else "?" for c in value[:length])
    return shown + ("…" if len(value) > length else "")


def overlong(
    model, values: dict, *, who: str, labels: dict[str, str], fix: str, where: str = ""
) -> list[Problem]:
    """An error for each text value longer than its column (never a failure at confirm).

    ``who`` names the record (« Élève MARTIN Léa »), ``where`` finds it in its file
    (« ligne 812 du fichier ElevesSansAdresses.xml », or ""), ``labels`` the fields, ``fix``
    says where to correct it (« Corrigez-le dans SIECLE puis exportez de nouveau. »).
    """
    if where:
        who = f"{who} ({where})"
    problems = []
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and len(value) > limit:
            problems.append(
                error(
                    "too_long",
                    f"{who} : {labels.get(name, name)} « {excerpt(value)} » compte "
                    f"{len(value)} caractères, {limit} au plus. {fix}",
                )
            )
    return problems


def place_in_file(payload: dict, kind: str, line: int | None) -> str:
    """« ligne 812 du fichier ElevesSansAdresses.xml », for a record of the file of ``kind``
    (a FileKind value) read at ``line``; "" when the payload does not say."""
    name = payload.get("sources", {}).get(kind)
    return f"ligne {line} du fichier {name}" if name and line else ""


def shown_number(n: int) -> str:
    """10000 → « 10 000 » (non-breaking space between thousands, as French writes it)."""
    return f"{n:,}".replace(",", "\u00a0")
