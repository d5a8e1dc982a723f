from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Carnet Pro — administration de la plateforme"
admin.site.site_title = "Carnet Pro"

urlpatterns = [
    path("", include("carnet.web.urls")),
    path("", include("carnet.accounts.urls")),
    path("", include("carnet.establishments.urls")),
    path("", include("carnet.directory.urls")),
    path("", include("carnet.referentials.urls")),
    path("", include("carnet.audit.urls")),
    path("", include("carnet.imports.urls")),
    path("", include("carnet.inspection.urls")),
    path("", include("carnet.scenarios.urls")),
    path("", include("carnet.evaluations.urls")),
    path("", include("carnet.pfmp.urls")),
    path("", include("carnet.dashboards.urls")),
    path("", include("carnet.passport.urls")),
    path("", include("carnet.transfers.urls")),
    path("plateforme/", admin.site.urls),
]

handler400 = "carnet.core.errors.bad_request"
handler403 = "carnet.core.errors.forbidden"
handler404 = "carnet.core.errors.not_found"
