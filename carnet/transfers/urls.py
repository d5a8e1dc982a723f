from django.urls import path

from carnet.transfers.views import history, packages, requests

app_name = "transfers"

urlpatterns = [
    path("transferts/", requests.home, name="home"),
    path("transferts/eleves/<int:pk>/demander/", requests.ask, name="ask"),
    path("transferts/demandes/<int:pk>/reponse/", requests.answer, name="answer"),
    path("transferts/eleves/<int:pk>/exporter/", packages.export, name="export"),
    path("transferts/paquet/", packages.upload, name="upload"),
    path("transferts/paquet/<slug:token>/", packages.preview, name="preview"),
    path("transferts/paquet/<slug:token>/confiance/", packages.trust, name="trust"),
    path("transferts/paquet/<slug:token>/appliquer/", packages.apply, name="apply"),
    path("transferts/paquet/<slug:token>/abandonner/", packages.drop, name="drop"),
    path("transferts/effectues/", history.history, name="history"),
    path("transferts/eleves/<int:pk>/dossier-recu/", history.received, name="received"),
]
