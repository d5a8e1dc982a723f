from django.urls import path

from carnet.passport import views

app_name = "passport"

urlpatterns = [
    path("passeport/", views.mine, name="mine"),
    path("passeport/nouvelle/", views.create, name="create"),
    path("passeport/situations/<int:pk>/", views.entry, name="entry"),
    path("passeport/situations/<int:pk>/modifier/", views.edit, name="edit"),
    path("passeport/situations/<int:pk>/envoyer/", views.submit, name="submit"),
    path("passeport/situations/<int:pk>/supprimer/", views.delete, name="delete"),
    path("passeport/situations/<int:pk>/repondre/", views.answer, name="answer"),
    path(
        "passeport/situations/<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "passeport/situations/<int:pk>/pieces/<int:attachment_pk>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "passeport/depuis-evaluation/<int:evaluation_pk>/",
        views.from_evaluation,
        name="from_evaluation",
    ),
    path("passeport/depuis-fiche/<int:sheet_pk>/", views.from_sheet, name="from_sheet"),
    path("passeport/suivi/", views.follow, name="follow"),
    path("passeport/eleves/<int:pupil_pk>/", views.pupil_passport, name="pupil"),
    path("passeport/eleves/<int:pupil_pk>/passeport.pdf", views.export, name="export"),
]
