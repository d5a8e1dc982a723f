from django.urls import path

from carnet.imports.views import outside, siecle

app_name = "imports"

urlpatterns = [
    path("imports/siecle/", siecle.upload, name="siecle"),
    path("imports/historique/", siecle.history, name="history"),
    path("imports/<str:token>/", siecle.batch_view, name="batch"),
    path("imports/<str:token>/confirmer/", siecle.batch_confirm, name="confirm"),
    path("imports/<str:token>/abandonner/", siecle.batch_cancel, name="cancel"),
]
urlpatterns += outside.urlpatterns
