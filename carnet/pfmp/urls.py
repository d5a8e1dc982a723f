from django.urls import path

from carnet.pfmp import pupil_views, tutor_views, views

app_name = "pfmp"

urlpatterns = [
    path("pfmp/", views.home, name="home"),
    path(
        "pfmp/divisions/<int:division_pk>/periodes/nouvelle/",
        views.period_create,
        name="period_create",
    ),
    path("pfmp/periodes/<int:pk>/modifier/", views.period_edit, name="period_edit"),
    path("pfmp/periodes/<int:pk>/bilans-papier.pdf", views.period_paper, name="period_paper"),
    path("pfmp/stages/<int:pk>/", views.placement_edit, name="placement_edit"),
    path("pfmp/fiches/<int:pk>/verifier/", views.sheet_check, name="sheet_check"),
    path("pfmp/bilans/<int:pk>/", views.review, name="review"),
    path("pfmp/bilans/<int:pk>/valider/", views.review_validate, name="review_validate"),
    path("pfmp/bilans/<int:pk>/proposition/", views.proposal, name="proposal"),
    path("pfmp/bilans/<int:pk>/bilan-papier.pdf", views.review_paper, name="review_paper"),
    path("pfmp/bilans/<int:pk>/lien-tuteur/", views.link_create, name="link_create"),
    path("pfmp/liens-tuteur/<int:pk>/retirer/", views.link_revoke, name="link_revoke"),
    path("pfmp/pieces-jointes/<int:pk>/", pupil_views.attachment, name="attachment"),
    path("mes-fiches-activites/", pupil_views.mine, name="mine"),
    path(
        "mes-fiches-activites/stages/<int:pk>/nouvelle/",
        pupil_views.sheet_create,
        name="sheet_create",
    ),
    path("mes-fiches-activites/<int:pk>/", pupil_views.sheet_edit, name="sheet_edit"),
    path("mes-fiches-activites/<int:pk>/envoyer/", pupil_views.sheet_send, name="sheet_send"),
    path("tuteur/bilans/<int:review_pk>/<str:token>/", tutor_views.tutor, name="tutor"),
]
