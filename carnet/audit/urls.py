from django.urls import path

from carnet.audit import views

app_name = "audit"

urlpatterns = [path("journal/", views.events, name="events")]
