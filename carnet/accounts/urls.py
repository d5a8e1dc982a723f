from django.urls import path

from carnet.accounts.views import auth as views
from carnet.accounts.views import pupil_access, users

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/modifie/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # « Mot de passe oublié »
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # « Gestion des utilisateurs »
    path("utilisateurs/", users.users_list, name="users"),
    path("utilisateurs/liste/<str:tab>/", users.users_list, name="users_tab"),
    path("utilisateurs/nouvel-enseignant/", users.teacher_new, name="teacher_new"),
    path("utilisateurs/nouveau-chef/", users.head_new, name="head_new"),
    path("utilisateurs/<int:pk>/", users.user_edit, name="user_edit"),
    path("utilisateurs/<int:pk>/mot-de-passe/", users.user_password, name="user_password"),
    path("utilisateurs/<int:pk>/activation/", users.user_active, name="user_active"),
    # « Gestion des accès élèves »
    path("acces-eleves/", pupil_access.divisions, name="pupil_access"),
    path("acces-eleves/<int:pk>/", pupil_access.division, name="pupil_access_division"),
    path("acces-eleves/<int:pk>/generer/", pupil_access.generate, name="pupil_access_generate"),
    path("acces-eleves/<int:pk>/reinitialiser/", pupil_access.reset, name="pupil_access_reset"),
    path(
        "acces-eleves/<int:pk>/eleves/<int:pupil_pk>/activation/",
        pupil_access.pupil_active,
        name="pupil_access_active",
    ),
]
