from django.urls import path

from carnet.directory import outside_views, views

app_name = "directory"

urlpatterns = [
    path("annuaire/divisions/", views.divisions, name="divisions"),
    path("annuaire/eleves/", views.pupils, name="pupils"),
    path("annuaire/divisions/<int:pk>/diplome/", views.division_diploma, name="division_diploma"),
]
urlpatterns += outside_views.urlpatterns
