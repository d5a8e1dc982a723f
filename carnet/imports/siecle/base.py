"""What the parts of a SIECLE/STS plan share: the Plan record, field labels, comparisons."""

import datetime
from dataclasses import dataclass, field

from carnet.core.profiles import Profile
from carnet.directory.models import Division
from carnet.imports.accounts import AccountSteps
from carnet.imports.parsers.common import Problem
from carnet.imports.plans import Change, PlanChecks, display_value

PUPIL_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "ine",
    "siecle_eleve_id",
    "siecle_elenoet",
    "mef",
    "entry_date",
    "previous_uai",
    "status",
    "left_on",
    "source",
    "division_id",
)
DIVISION_FIELDS = ("label", "kind", "mef", "mef_label", "diploma_id", "diploma_by_hand")
STAFF_FIELDS = ("civility", "last_name", "first_name", "birth_date", "function", "is_active")
FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "sex": "sexe",
    "ine": "INE",
    "siecle_eleve_id": "identifiant SIECLE (ELEVE_ID)",
    "siecle_elenoet": "ELENOET",
    "mef": "MEF",
    "entry_date": "date d'entrée",
    "previous_uai": "établissement d'origine",
    "status": "statut",
    "left_on": "date de sortie",
    "source": "origine",
    "division_id": "division",
    "groups": "groupes",
    "code": "code",
    "label": "libellé",
    "kind": "type",
    "mef_label": "libellé du MEF",
    "diploma_id": "diplôme",
    "diploma_by_hand": "diplôme rattaché à la main",
    "civility": "civilité",
    "function": "fonction",
    "is_active": "en poste",
    "sts_id": "identifiant STS",
    "structures": "classes",
}
FIX_IN_SIECLE = "Corrigez-le dans SIECLE puis exportez de nouveau."
FIX_IN_STS = "Corrigez-le dans STS-web puis exportez de nouveau."
# What the administrator confirms of a DIR individual (Change.confirm).
HEAD = "chef"


def iso_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass
class Plan(PlanChecks):
    school_year: int
    # STS ids of the DIR individuals the administrator confirmed as heads.
    heads: frozenset[str] = frozenset()
    counts: dict = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    # Errors refuse the import; warnings are shown with the preview.
    problems: list[Problem] = field(default_factory=list)
    accounts: AccountSteps = field(default_factory=AccountSteps)
    existing_divisions: dict[str, Division] = field(default_factory=dict)
    # What apply writes. The objects to update come with all their wanted values, and the
    # fields that change for any of them. Divisions: rows to create, code → values.
    new_divisions: list[dict] = field(default_factory=list)
    changed_divisions: dict[str, dict] = field(default_factory=dict)
    division_fields: set[str] = field(default_factory=set)
    # Pupils: (ELEVE_ID, values) to create; (pk, values); pks whose INE moves away.
    new_pupils: list[tuple[str, dict]] = field(default_factory=list)
    changed_pupils: list[tuple[int, dict]] = field(default_factory=list)
    pupil_fields: set[str] = field(default_factory=set)
    moving_ine: list[int] = field(default_factory=list)
    pupil_groups: dict[int | str, list[str]] = field(default_factory=dict)  # pk|new:id → codes
    # Staff: rows to create, pk → values (with user_id, « new:<sts_id> » for an account to
    # create), sts_id → structure codes.
    new_staff: list[dict] = field(default_factory=list)
    changed_staff: dict[int, dict] = field(default_factory=dict)
    staff_fields: set[str] = field(default_factory=set)
    staff_ids: dict[str, int] = field(default_factory=dict)  # sts_id → pk (existing)
    staff_structures: dict[str, list[str]] = field(default_factory=dict)
    # Accounts of staff: (sts_id, first name, last name, profile) to create; user pk → new
    # profile; (subject, old, new) of the « Profil » audit event of each account concerned.
    new_accounts: list[tuple[str, str, str, Profile]] = field(default_factory=list)
    profile_changes: dict[int, Profile] = field(default_factory=dict)
    profile_audits: list[tuple[str, str, str]] = field(default_factory=list)
    # STS ids of the DIR individuals the preview asks to confirm as heads, and of all the
    # DIR individuals of the file (confirming one who is a head already changes nothing).
    head_candidates: list[str] = field(default_factory=list)
    directors: set[str] = field(default_factory=set)

    @property
    def writes_anything(self) -> bool:
        return any(
            self.counts[kind][action]
            for kind, actions in self.counts.items()
            for action in actions
            if action not in ("unchanged", "skipped")
        )

    def applied_changes(self) -> list[dict]:
        """The changes as the history keeps them: a DIR's confirmation says what was chosen."""
        result = []
        for change in self.changes_as_dicts():
            if change.get("confirm") == HEAD:
                given = change["ref"] in self.heads
                change["details"][-1] = (
                    "profil chef d'établissement donné"
                    if given
                    else "profil chef d'établissement non confirmé"
                )
            result.append(change)
        return result


def differences(current: dict, wanted: dict, names: dict | None = None) -> list[str]:
    """« nom : MARTIN → MARTINE » for each value of ``wanted`` that ``current`` has not."""
    details = []
    for name, value in wanted.items():
        if current.get(name) != value:
            shown_old = (names or {}).get((name, current.get(name)), current.get(name))
            shown_new = (names or {}).get((name, value), value)
            label = FIELD_LABELS.get(name, name)
            details.append(f"{label} : {display_value(shown_old)} → {display_value(shown_new)}")
    return details


def changed_values(current: dict, wanted: dict) -> dict:
    return {name: value for name, value in wanted.items() if current.get(name) != value}
