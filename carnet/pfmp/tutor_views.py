"""The tutor's page: public (no account), opened by their personal link only.

It shows one bilan and nothing else: no menu, no other pupil, no link elsewhere. The
tutor's entries become a proposal the teacher accepts. A refused link (tampered, unknown,
of another bilan, revoked, expired) gets a French page and changes nothing. Refusals are
counted per client address (carnet.accounts.ratelimits, in the database): past the limit,
the page answers 429 for an hour, whatever the link, so that links cannot be guessed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carnet.accounts.addresses import client_address
from carnet.accounts.ratelimits import Limit, limit_reached, limit_take
from carnet.pfmp.forms import TutorForm
from carnet.pfmp.selectors import review_lines, scale_of
from carnet.pfmp.services import tutor_proposal_submit
from carnet.pfmp.tutor import LinkRefused, link_check


@dataclass(frozen=True)
class TutorLimit(Limit):
    """Refused tutor links per client address and hour (setting PFMP_TUTOR_REFUSALS_LIMIT,
    30 by default)."""

    default: int = 30

    @property
    def count(self) -> int:
        return getattr(settings, self.setting, self.default)


REFUSALS_PER_ADDRESS = TutorLimit("tuteur_refus_adresse", "PFMP_TUTOR_REFUSALS_LIMIT")
# « same-origin »: the link (its secret) never leaves in a Referer; « no-referrer » would
# make the browser send « Origin: null » with the form, which the CSRF check refuses.
HEADERS = {"Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


def _answer(response):
    for name, value in HEADERS.items():
        response[name] = value
    return response


def _refused(request, message: str, status: int = 403):
    return _answer(render(request, "pfmp/tutor_refused.html", {"message": message}, status=status))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def tutor(request, review_pk: int, token: str):
    address = client_address(request)
    if limit_reached(REFUSALS_PER_ADDRESS, address):
        return _refused(
            request,
            "Trop de liens refusés depuis cette connexion : réessayez dans une heure, avec le "
            "lien reçu par courriel tel quel.",
            status=429,
        )
    try:
        link = link_check(review_pk=review_pk, token=token)
    except LinkRefused as refused:
        limit_take(REFUSALS_PER_ADDRESS, address)
        return _refused(request, refused.message)
    review = link.review
    placement = review.placement
    form = TutorForm(request.POST or None, initial={"signature": placement.tutor_name})
    errors = []
    sent = False
    if request.method == "POST" and form.is_valid():
        levels = {
            key.removeprefix("niveau-"): value
            for key, value in request.POST.items()
            if key.startswith("niveau-")
        }
        try:
            tutor_proposal_submit(link=link, levels=levels, **form.cleaned_data)
        except ValidationError as exc:
            errors = exc.messages
        else:
            sent = True
    review.refresh_from_db()
    lines = review_lines(review=review)
    return _answer(
        render(
            request,
            "pfmp/tutor.html",
            {
                "review": review,
                "placement": placement,
                "pupil_name": f"{placement.pupil.first_name} {placement.pupil.last_name[:1]}.",
                "lines": lines,
                "scale": scale_of(diploma_id=placement.period.division.diploma_id),
                "form": form,
                "errors": errors,
                "sent": sent,
                "establishment_name": review.establishment.name,
            },
            status=400 if request.method == "POST" and not sent else 200,
        )
    )
