"""The divisions and groups of a SIECLE/STS import: created or updated, never deleted."""

from carnet.directory.enums import PupilSource, StructureKind
from carnet.directory.models import Division
from carnet.imports.parsers.common import error
from carnet.imports.plans import Change, excerpt, overlong
from carnet.imports.siecle.base import (
    DIVISION_FIELDS,
    FIELD_LABELS,
    FIX_IN_SIECLE,
    Plan,
    changed_values,
    differences,
)
from carnet.referentials.models import Diploma


def plan_divisions(plan: Plan, establishment, payload: dict) -> None:
    diplomas = {d.mef_prefix: d for d in Diploma.objects.only("pk", "mef_prefix", "title")}
    titles = {d.pk: d.title for d in diplomas.values()}
    names = {("diploma_id", pk): title for pk, title in titles.items()}
    names.update({("kind", k.value): k.label for k in StructureKind})
    plan.existing_divisions = {
        d.code: d
        for d in Division.objects.of(establishment).filter(school_year__start_year=plan.school_year)
    }
    mef_labels = payload["mef_labels"]
    for item in payload["structures"]:
        code = item["code"]
        kind_label = "Groupe" if item["kind"] == StructureKind.GROUP else "Division"
        current = plan.existing_divisions.get(code)
        if current is not None and current.source == PupilSource.OUTSIDE_SIECLE:
            plan.problems.append(
                error(
                    "outside_division_code",
                    f"La division {code} des fichiers SIECLE porte le code d'une division "
                    "« hors SIECLE » créée dans la plateforme : renommez cette dernière "
                    "(Apprenants hors SIECLE) puis importez de nouveau.",
                )
            )
            continue
        # What no uploaded file gives is kept as the platform has it.
        mef = item["mef"] or (current.mef if current else "")
        if payload["has_nomenclature"]:
            mef_label = mef_labels.get(mef, "")
        else:
            mef_label = current.mef_label if current else ""
        mapped = diplomas.get(mef[:8]) if mef else None
        if mapped is not None:
            diploma_id, by_hand = mapped.pk, False
        elif current is not None and current.diploma_by_hand:
            diploma_id, by_hand = current.diploma_id, True
        else:
            diploma_id, by_hand = None, False  # « diplôme non rattaché »
        wanted = {
            "label": item["label"] or (current.label if current else "") or code,
            "kind": item["kind"],
            "mef": mef,
            "mef_label": mef_label,
            "diploma_id": diploma_id,
            "diploma_by_hand": by_hand,
        }
        too_long = overlong(
            Division,
            {"code": code, **wanted},
            who=f"{kind_label} « {excerpt(code, 30)} »",
            labels=FIELD_LABELS,
            fix=FIX_IN_SIECLE,
            where=item.get("where", ""),
        )
        if too_long:
            plan.problems.extend(too_long)
            continue
        if current is None:
            plan.counts["divisions"]["created"] += 1
            plan.new_divisions.append({"code": code, **wanted})
            detail = titles.get(diploma_id) or (
                f"diplôme non rattaché (MEF {mef})" if mef else "sans MEF"
            )
            plan.changes.append(Change(kind_label, "créé", code, (detail,)))
            continue
        values = {name: getattr(current, name) for name in DIVISION_FIELDS}
        details = differences(values, wanted, names)
        if details:
            plan.counts["divisions"]["updated"] += 1
            plan.changed_divisions[code] = wanted
            plan.division_fields |= changed_values(values, wanted).keys()
            plan.changes.append(Change(kind_label, "modifié", code, tuple(details)))
        else:
            plan.counts["divisions"]["unchanged"] += 1
