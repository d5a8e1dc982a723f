from django.urls import path

from carnet.establishments.views import identity, logo, masks, transfers

app_name = "establishments"

urlpatterns = [
    path("parametres/", identity.settings_home, name="settings"),
    path("parametres/etablissement/", identity.identity, name="identity"),
    path("parametres/transferts/", transfers.transfers, name="transfers"),
    path("parametres/masque-de-saisie/", masks.masks, name="masks"),
    path("parametres/masque-de-saisie/reinitialiser/", masks.masks_reset, name="masks_reset"),
    path("parametres/logo/", logo.logo, name="logo"),
    path("parametres/logo/<str:kind>/telecharger/", logo.image_upload, name="image_upload"),
    path("parametres/logo/<str:kind>/supprimer/", logo.image_delete, name="image_delete"),
    path("etablissement/images/<str:kind>/", logo.image, name="image"),
]
