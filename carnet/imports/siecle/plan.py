"""SIECLE/STS import: the plan of every change, computed from one payload.

The plan reads the establishment's current data in a fixed number of queries and compares
it with the payload (divisions.py, pupils.py, staff.py); apply.py writes it. The same payload
planned twice gives the same changes, hence the same digest; applied twice, it changes
nothing the second time.
"""

from carnet.imports.parsers.common import error
from carnet.imports.siecle.base import Plan
from carnet.imports.siecle.divisions import plan_divisions
from carnet.imports.siecle.pupils import plan_pupils
from carnet.imports.siecle.staff import plan_staff


def siecle_plan(*, establishment, payload: dict, heads=frozenset()) -> Plan:
    """The plan of ``payload`` against the establishment's data; ``heads``: the STS ids of
    the DIR individuals confirmed as heads (none in a preview)."""
    plan = Plan(school_year=payload["school_year"], heads=frozenset(heads))
    plan.counts = {
        "pupils": dict.fromkeys(("created", "updated", "unchanged", "left"), 0),
        "divisions": dict.fromkeys(("created", "updated", "unchanged"), 0),
        "staff": dict.fromkeys(("created", "updated", "unchanged", "skipped", "left"), 0),
    }
    plan_divisions(plan, establishment, payload)
    if payload["has_pupils"]:
        plan_pupils(plan, establishment, payload)
    if payload["has_staff"]:
        plan_staff(plan, establishment, payload)
    if not plan.heads <= plan.directors:
        plan.problems.append(
            error(
                "head_not_in_preview",
                "Un personnel confirmé comme chef d'établissement ne fait pas partie des "
                "personnels de direction de l'aperçu : déposez de nouveau les fichiers.",
            )
        )
    plan.changes.extend(plan.accounts.changes)
    return plan
