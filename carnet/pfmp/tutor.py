"""The tutor's personal link: ``/tuteur/<bilan>/<token>/``, the token being the link's
number and secret, signed (django.core.signing, salted). Only a hash of the secret is
stored (TutorLink.secret_hash): the link exists in the e-mail sent and on the page shown
once to the teacher.

``link_check`` says which link a URL opens, or why it is refused (a French sentence): a
signature that does not verify (tampered), an unknown secret, a link of another bilan, a
revoked or expired link, a bilan already validated.
"""

import hmac

from django.core import signing
from django.utils import timezone

from carnet.pfmp.enums import ReviewStatus
from carnet.pfmp.models import TutorLink
from carnet.pfmp.services import secret_hash

SALT = "carnet.pfmp.tutor-link"
SIGNER = signing.Signer(salt=SALT, sep=".")


class LinkRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def link_token(link: TutorLink, secret: str) -> str:
    return SIGNER.sign(f"{link.pk}-{secret}")


def link_check(*, review_pk: int, token: str, now=None) -> TutorLink:
    try:
        value = SIGNER.unsign(token)
        link_pk, secret = value.split("-", 1)
        link_pk = int(link_pk)
    except (signing.BadSignature, ValueError):
        raise LinkRefused(
            "Ce lien n'est pas valide : il a été modifié ou copié incomplètement. Ouvrez le "
            "lien reçu par courriel tel quel, ou demandez-en un nouveau au professeur."
        ) from None
    link = TutorLink.objects.select_related("review").filter(pk=link_pk).first()
    if link is None or not hmac.compare_digest(link.secret_hash, secret_hash(secret)):
        raise LinkRefused(
            "Ce lien n'est pas valide : il a été remplacé ou n'a jamais existé. Demandez un "
            "nouveau lien au professeur."
        )
    if link.review_id != review_pk:
        raise LinkRefused(
            "Ce lien n'ouvre pas ce bilan : chaque lien ne vaut que pour le bilan d'un seul "
            "élève. Ouvrez le lien reçu par courriel tel quel."
        )
    if link.revoked_at is not None:
        raise LinkRefused(
            "Ce lien a été retiré par le professeur. Demandez-lui un nouveau lien si le bilan "
            "reste à remplir."
        )
    if link.expires_at <= (now or timezone.now()):
        raise LinkRefused(
            "Ce lien a expiré (il vaut 21 jours). Demandez un nouveau lien au professeur."
        )
    if link.review.status == ReviewStatus.VALIDATED:
        raise LinkRefused("Ce bilan a été validé par le professeur : il n'y a plus rien à saisir.")
    return link
