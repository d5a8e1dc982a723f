from django.urls import path

from carnet.scenarios.views import detail, exchange, library, resources, sections

app_name = "scenarios"

urlpatterns = [
    path("scenarios/", library.library, name="library"),
    path("scenarios/nouveau/", library.create, name="create"),
    path("scenarios/importer/", exchange.import_upload, name="import"),
    path("scenarios/importer/<slug:token>/", exchange.import_preview, name="import_preview"),
    path(
        "scenarios/importer/<slug:token>/abandonner/", exchange.import_cancel, name="import_cancel"
    ),
    path("scenarios/<int:pk>/", detail.detail, name="detail"),
    path("scenarios/<int:pk>/fiche.pdf", detail.sheet, name="sheet"),
    path("scenarios/<int:pk>/exporter/", exchange.export, name="export"),
    path("scenarios/<int:pk>/dupliquer/", detail.duplicate, name="duplicate"),
    path("scenarios/<int:pk>/supprimer/", detail.delete, name="delete"),
    path("scenarios/<int:pk>/titre/", sections.edit_title, name="edit_title"),
    path("scenarios/<int:pk>/contexte/", sections.edit_context, name="edit_context"),
    path("scenarios/<int:pk>/referentiel/", sections.edit_links, name="edit_links"),
    path("scenarios/<int:pk>/ressources/", resources.edit_resources, name="edit_resources"),
    path(
        "scenarios/<int:pk>/ressources/<int:resource_pk>/",
        resources.resource,
        name="resource",
    ),
    path(
        "scenarios/<int:pk>/ressources/<int:resource_pk>/supprimer/",
        resources.resource_delete,
        name="resource_delete",
    ),
]
