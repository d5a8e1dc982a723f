from django.urls import path

from carnet.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("tableaux-de-bord/", views.dashboard, name="pupil"),
    path("tableaux-de-bord/divisions/<int:pk>/", views.overview, name="overview"),
    path("mon-tableau-de-bord/", views.mine, name="mine"),
    path("tableaux-de-bord/eleves/<int:pupil_pk>/bilans/", views.bilans, name="bilans"),
    path(
        "tableaux-de-bord/eleves/<int:pupil_pk>/bilans/nouveau/",
        views.bilan_new,
        name="bilan_new",
    ),
    path("bilans/<int:pk>/", views.bilan, name="bilan"),
    path("bilans/<int:pk>/modifier/", views.bilan_edit, name="bilan_edit"),
    path("bilans/<int:pk>/valider/", views.bilan_validate_view, name="bilan_validate"),
    path("bilans/<int:pk>/deverrouiller/", views.bilan_unlock_view, name="bilan_unlock"),
    path("bilans/<int:pk>/bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
]
