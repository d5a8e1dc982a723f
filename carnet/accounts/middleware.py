from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

# What someone who must change their password may still reach.
ALLOWED = ("accounts:password_change", "accounts:password_change_done", "accounts:logout")


class PasswordChangeRequiredMiddleware:
    """After a temporary password, the user chooses their own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and request.path not in {reverse(name) for name in ALLOWED}
            and not request.path.startswith(("/static/", "/plateforme/"))
        ):
            target = reverse("accounts:password_change")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            messages.info(
                request,
                "Votre mot de passe est provisoire : choisissez votre mot de passe personnel "
                "pour continuer.",
            )
            return redirect(target)
        return self.get_response(request)
