from django.urls import path

from carnet.evaluations.views import files, grid, lists, manage

app_name = "evaluations"

urlpatterns = [
    path("evaluations/", lists.evaluation_list, name="list"),
    path("mes-resultats/", lists.my_results, name="my_results"),
    path("scenarios/<int:scenario_pk>/evaluations/nouvelle/", manage.create, name="create"),
    path("evaluations/<int:pk>/", grid.grid, name="grid"),
    path("evaluations/<int:pk>/enregistrer/", grid.grid_save, name="grid_save"),
    path("evaluations/<int:pk>/cases/", grid.cells, name="cells"),
    path("evaluations/<int:pk>/modifier/", manage.edit, name="edit"),
    path("evaluations/<int:pk>/publier/", manage.publish, name="publish"),
    path("evaluations/<int:pk>/historique/", manage.history, name="history"),
    path("evaluations/<int:pk>/grille-papier.pdf", files.paper, name="paper"),
    path("evaluations/<int:pk>/resultats.xlsx", files.export, name="export"),
    path("evaluations/<int:pk>/import/", files.grid_import, name="import"),
    path("evaluations/<int:pk>/import/<slug:token>/", files.import_preview, name="import_preview"),
    path(
        "evaluations/<int:pk>/import/<slug:token>/confirmer/",
        files.import_confirm,
        name="import_confirm",
    ),
    path(
        "evaluations/<int:pk>/import/<slug:token>/abandonner/",
        files.import_cancel,
        name="import_cancel",
    ),
]
