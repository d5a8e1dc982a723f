from django.urls import path

from carnet.inspection import views

app_name = "inspection"

urlpatterns = [
    # The head of the establishment.
    path("acces-inspecteur/", views.grants, name="grants"),
    path("acces-inspecteur/<int:pk>/fermer/", views.grant_revoke, name="grant_revoke"),
    # The inspector.
    path("inspection/etablissements/<int:pk>/consulter/", views.consult, name="consult"),
    path("inspection/etablissement/", views.establishment, name="establishment"),
]
