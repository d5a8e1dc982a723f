from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from carnet.accounts.addresses import client_address
from carnet.accounts.forms import (
    AccountPasswordResetForm,
    LoginForm,
    PersonalPasswordChangeForm,
)
from carnet.accounts.ratelimits import RESET_PER_ADDRESS, limit_take


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    # The per-address limit is not checked here but in an authentication backend
    # (carnet.accounts.backends.AddressLimitBackend), so that it holds on every login form.
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PersonalPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """« Mot de passe oublié »: a link by e-mail, for accounts that have an address.

    The page answers the same whatever the address typed (it never tells whether an
    account exists) and whatever the rate limits decided: at most
    PASSWORD_RESET_ADDRESS_LIMIT requests an hour from one client address are served
    (beyond, nothing is sent), and at most PASSWORD_RESET_ACCOUNT_LIMIT links an hour reach
    one account (AccountPasswordResetForm). Pupils have no address: their administrator
    resets their password.
    """

    template_name = "accounts/password_reset.html"
    form_class = AccountPasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"platform_name": settings.PLATFORM_NAME}

    def form_valid(self, form):
        if not limit_take(RESET_PER_ADDRESS, client_address(self.request)):
            # The same answer as when a link is sent: nothing tells the limit was reached.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        # A link sent before the account was disabled must not change its password.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
