"""The bilans follow a pupil who changes establishment (carnet.transfers)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from carnet.core.registry import transfer_kinds
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.services import bilan_create, bilan_validate
from carnet.dashboards.transfers import bilans_export

pytestmark = pytest.mark.django_db


def test_intermediate_bilans_and_the_validated_terminal_one_are_sent(klass):
    pupil = klass.pupils[0]
    scale = {level.code: level for level in klass.diploma.scale.all()}
    c2 = klass.diploma.competencies.get(code="C2")
    common = {"establishment": klass.establishment, "pupil": pupil, "actor": klass.teacher}
    intermediate = bilan_create(
        **common,
        kind=BilanKind.INTERMEDIATE,
        date=datetime.date(2026, 11, 2),
        comment="Bien.",
        decided={c2.pk: scale["3"].pk},
    )
    terminal = bilan_create(
        **common, kind=BilanKind.TERMINAL, date=timezone.localdate(), decided={}
    )
    keys = [item.key for item in bilans_export(establishment=klass.establishment, pupil=pupil)]
    assert keys == [f"bilan-{intermediate.pk}"]  # a draft bilan terminal stays home
    bilan_validate(bilan=terminal, actor=klass.teacher)
    items = bilans_export(establishment=klass.establishment, pupil=pupil)
    assert {item.key for item in items} == {f"bilan-{intermediate.pk}", f"bilan-{terminal.pk}"}
    sent = next(item for item in items if item.key == f"bilan-{intermediate.pk}")
    c2_level = next(level for level in sent.data["levels"] if level["competency"] == "C2")
    assert c2_level["decided_code"] == "3"
    assert c2_level["explanation"] == "Aucun résultat pris en compte"
    page = render_to_string(
        "dashboards/transfers/_received.html",
        {"item": sent.data, "origin": {"other_uai": "0442953W", "other_name": "Lycée A"}},
    )
    assert "Bilan intermédiaire du 02/11/2026" in page and "Bien." in page


def test_declared_as_a_transfer_kind():
    assert "dashboards.bilan" in [kind.kind for kind in transfer_kinds()]
