"""Permissions of the scenarios.

Every teacher of the establishment reads the establishment's scenarios (its library) and
duplicates them; the head and an inspector with a live grant read them; the author and the
co-authors edit. The administrator sees no pedagogical content (PRODUCT.md rule 1).
"""

import rules

from carnet.core.predicates import (
    is_head_of_establishment,
    is_teacher_of_establishment,
    is_tenant,
    permission_holds,
)


def scenario_of(obj):
    """The scenario ``obj`` is, or belongs to (an evaluation, a resource); None for others."""
    if getattr(obj, "_meta", None) is not None and obj._meta.label == "scenarios.Scenario":
        return obj
    return getattr(obj, "scenario", None)


@rules.predicate
def is_author_of(user, obj) -> bool:
    """The author or a co-author of the scenario (of ``obj``). On an establishment (a page
    that is about no scenario yet): True, the object check decides."""
    if is_tenant(obj):
        return True
    scenario = scenario_of(obj)
    if scenario is None or not user.is_authenticated:
        return False
    return scenario.author_id == user.pk or scenario.co_authors.filter(pk=user.pk).exists()


@rules.predicate
def is_scenario_author(user, obj) -> bool:
    """The author alone (not a co-author): who may delete the scenario. On an
    establishment: True, the object check decides."""
    if is_tenant(obj):
        return True
    scenario = scenario_of(obj)
    return scenario is not None and user.is_authenticated and scenario.author_id == user.pk


reads_pedagogy = (
    is_teacher_of_establishment | is_head_of_establishment | permission_holds("inspection.read")
)

rules.add_perm("scenarios.read", reads_pedagogy)
# Write a new scenario, duplicate one (into one's own), import one from a file.
rules.add_perm("scenarios.create", is_teacher_of_establishment)
rules.add_perm("scenarios.edit", is_teacher_of_establishment & is_author_of)
rules.add_perm("scenarios.delete", is_teacher_of_establishment & is_scenario_author)
