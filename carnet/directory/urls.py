from django.urls import path

from carnet.directory import outside_views, views, views_read

app_name = "directory"

urlpatterns = [
    path("annuaire/divisions/", views.divisions, name="divisions"),
    path("annuaire/eleves/", views.pupils, name="pupils"),
    path("annuaire/divisions/<int:pk>/diplome/", views.division_diploma, name="division_diploma"),
    # Read-only: the head, an inspector with a live access, a division's teachers.
    path("etablissement/divisions/", views_read.read_divisions, name="read_divisions"),
    path("etablissement/divisions/<int:pk>/", views_read.division, name="division"),
    path("etablissement/eleves/", views_read.read_pupils, name="read_pupils"),
    path("etablissement/enseignants/", views_read.read_teachers, name="read_teachers"),
]
urlpatterns += outside_views.urlpatterns
