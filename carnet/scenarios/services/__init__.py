"""Writes on scenarios. Each service is keyword-only, atomic, checks what it is given and
refuses with a French ValidationError that changes nothing; the sensitive ones audit
themselves (who may edit a scenario, a deletion, a resource deleted, a file import).

Callers import them from here: ``from carnet.scenarios.services import scenario_create``.
"""

from carnet.scenarios.services.exchange import (
    archive_check,
    scenario_import_create,
    scenario_import_discard,
    scenario_import_stage,
    scenario_import_staged,
)
from carnet.scenarios.services.resources import scenario_resource_delete, scenario_resources_add
from carnet.scenarios.services.scenarios import (
    scenario_create,
    scenario_delete,
    scenario_duplicate,
    scenario_update_context,
    scenario_update_links,
    scenario_update_title,
)

__all__ = [
    "archive_check",
    "scenario_create",
    "scenario_delete",
    "scenario_duplicate",
    "scenario_import_create",
    "scenario_import_discard",
    "scenario_import_stage",
    "scenario_import_staged",
    "scenario_resource_delete",
    "scenario_resources_add",
    "scenario_update_context",
    "scenario_update_links",
    "scenario_update_title",
]
