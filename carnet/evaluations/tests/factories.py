"""Evaluations with their columns and rows (the diploma must be loaded: ``diplomas``)."""

import datetime

import factory

from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.models import Evaluation, EvaluationPupil, EvaluationTarget, Result
from carnet.scenarios.tests.factories import ScenarioFactory


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    scenario = factory.SubFactory(ScenarioFactory)
    establishment = factory.SelfAttribute("scenario.establishment")
    created_by = factory.SelfAttribute("scenario.author")
    kind = EvaluationKind.FORMATIVE
    date = datetime.date(2026, 11, 16)
    grain = Grain.CRITERION


class EvaluationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationTarget

    evaluation = factory.SubFactory(EvaluationFactory)
    competency = factory.LazyAttribute(lambda o: o.criterion.competency if o.criterion else None)
    criterion = None
    position = factory.Sequence(lambda n: n)


class EvaluationPupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationPupil

    evaluation = factory.SubFactory(EvaluationFactory)
    division = factory.SelfAttribute("pupil.division")


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    target = factory.SubFactory(EvaluationTargetFactory)
    evaluation = factory.SelfAttribute("target.evaluation")
    establishment = factory.SelfAttribute("target.evaluation.establishment")
    competency = factory.SelfAttribute("target.competency")
