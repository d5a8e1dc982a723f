"""The Paramètres page: four tabs and the « Accès inspecteur » section.

Without JavaScript each tab is a page; with htmx (hx-boost on the panel) only the panel
(tab list + active tab) is swapped. Both are rendered from the same template.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django_htmx.http import replace_url

from carnet.core.permissions import establishment_permission_required
from carnet.establishments.selectors import head_account_exists


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str


TABS = (
    Tab("etablissement", "Établissement", "establishments:identity"),
    Tab("transferts", "Transferts", "establishments:transfers"),
    Tab("masque", "Masque de saisie", "establishments:masks"),
    Tab("logo", "Logo", "establishments:logo"),
)


settings_required = establishment_permission_required("establishments.manage_settings")


def render_tab(request, tab: str, context: dict):
    context = {
        "tabs": TABS,
        "active_tab": tab,
        "active_tab_label": next(t.label for t in TABS if t.key == tab),
        "tab_template": f"establishments/includes/_tab_{tab}.html",
        "establishment": request.establishment,
        **context,
    }
    # htmx restoring a page of the browser history it no longer has in its cache asks for
    # the page with HX-Request too: it needs the whole page, not the panel.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "establishments/includes/_settings_panel.html", context)
    context["head_account_exists"] = head_account_exists(establishment=request.establishment)
    return render(request, "establishments/settings.html", context)


def saved(request, message: str, url: str, tab_response):
    """After a successful POST: the fresh tab for htmx, a redirect (PRG) otherwise.

    For htmx the address bar also shows ``url``, as after the redirect: a reload must not
    show the page the form was sent from (e.g. the reset confirmation of the masks).
    """
    messages.success(request, message)
    if request.htmx:
        return replace_url(tab_response(), url)
    return redirect(url)
