"""The establishment an inspector consults: chosen with « Consulter », kept in the session.

The session keeps only the establishment's pk, never a right: EstablishmentMiddleware asks
``inspected_establishment`` at every request, which checks a live grant in the database.
"""

from carnet.inspection.selectors import live_grant_for

SESSION_KEY = "inspection_establishment_pk"


def inspected_establishment_choose(request, establishment) -> None:
    request.session[SESSION_KEY] = establishment.pk


def inspected_establishment(request):
    """The establishment the signed-in inspector chose, if a grant to it is live right now.

    Otherwise None, and the choice is forgotten: after the end date or a revocation the
    inspector is back to the list of establishments granted.
    """
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    grant = live_grant_for(inspector=request.user, establishment_id=pk)
    if grant is None:
        del request.session[SESSION_KEY]
        return None
    return grant.establishment
