from django.urls import path

from carnet.referentials import views

app_name = "referentials"

urlpatterns = [
    path("referentiels/", views.diploma_list, name="list"),
    path("referentiels/<str:code>/", views.diploma_view, name="detail"),
]
