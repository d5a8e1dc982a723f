"""The bilans' services: what they refuse (with a message, nothing saved), what they keep."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan
from carnet.dashboards.services import bilan_create, bilan_unlock, bilan_update, bilan_validate
from carnet.dashboards.tests.builder import results_build
from carnet.dashboards.tests.conftest import first_day

pytestmark = pytest.mark.django_db


def create(klass, **options):
    values = {
        "establishment": klass.establishment,
        "pupil": klass.pupils[0],
        "actor": klass.teacher,
        "kind": BilanKind.INTERMEDIATE,
        "date": timezone.localdate(),
        "decided": {},
    } | options
    return bilan_create(**values)


class TestCreate:
    def test_keeps_the_proposal_computed_now_beside_the_decision(self, klass):
        results_build(
            scenario=klass.scenario,
            pupils=klass.pupils[:1],
            evaluations=4,
            criteria_per_evaluation=8,
            start=first_day(),
        )
        bilan = create(klass)
        levels = list(bilan.levels.all())
        assert len(levels) == klass.diploma.competencies.count()
        assert any(level.proposed_value for level in levels)
        assert all(level.decided_id is None for level in levels)
        assert bilan.method == "recentes_double"

    def test_a_date_in_the_future_is_refused(self, klass):
        with pytest.raises(ValidationError, match="dans le futur"):
            create(klass, date=timezone.localdate() + datetime.timedelta(days=1))
        assert not Bilan.objects.exists()

    def test_a_level_of_another_scale_is_refused(self, klass, diplomas):
        other = diplomas["CAP-ELEC"].scale.first()
        competency = klass.diploma.competencies.first()
        with pytest.raises(ValidationError, match="pas de l'échelle"):
            create(klass, decided={competency.pk: other.pk})
        assert not Bilan.objects.exists()

    def test_one_bilan_terminal_per_pupil_and_diploma(self, klass):
        create(klass, kind=BilanKind.TERMINAL)
        with pytest.raises(ValidationError, match="déjà un bilan terminal"):
            create(klass, kind=BilanKind.TERMINAL)
        create(klass)  # bilans intermédiaires: as many as needed
        create(klass)
        assert Bilan.objects.filter(kind=BilanKind.INTERMEDIATE).count() == 2


class TestTerminal:
    def test_validated_it_is_locked_until_the_head_unlocks_it(self, klass, users):
        bilan = create(klass, kind=BilanKind.TERMINAL)
        level = klass.diploma.scale.get(code="4")
        competency = klass.diploma.competencies.first()
        bilan_update(
            bilan=bilan,
            actor=klass.teacher,
            date=bilan.date,
            comment="Prêt.",
            decided={competency.pk: level.pk},
        )
        bilan_validate(bilan=bilan, actor=klass.teacher)
        with pytest.raises(ValidationError, match="validé"):
            bilan_update(bilan=bilan, actor=klass.teacher, date=bilan.date, decided={})
        bilan.refresh_from_db()
        assert bilan.levels.get(competency=competency).decided_id == level.pk
        bilan_unlock(bilan=bilan, actor=users["chef"])
        bilan.refresh_from_db()
        assert not bilan.locked
        with pytest.raises(ValidationError, match="pas verrouillé"):
            bilan_unlock(bilan=bilan, actor=users["chef"])

    def test_an_intermediate_bilan_is_neither_validated_nor_changed(self, klass):
        bilan = create(klass)
        with pytest.raises(ValidationError, match="Seul le bilan terminal"):
            bilan_validate(bilan=bilan, actor=klass.teacher)
        with pytest.raises(ValidationError, match="reste tel"):
            bilan_update(bilan=bilan, actor=klass.teacher, date=bilan.date, decided={})
