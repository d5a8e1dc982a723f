"""Template tags shared by every app's pages."""

import rules
from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from carnet.core import registry
from carnet.core.french import count

register = template.Library()


@register.filter
def nombre(value, nouns: str) -> str:
    """A count in French: ``{{ n|nombre:"élève" }}`` → « 0 élève », « 1 élève », « 2 élèves »;
    an irregular plural after a comma: ``{{ n|nombre:"accès inspecteur,accès inspecteur" }}``.
    The number and its noun are joined by a non-breaking space."""
    singular, _, plural_form = nouns.partition(",")
    return count(int(value or 0), singular, plural_form or None)


@register.filter
def fields_in_error(form) -> list:
    """The bound fields of ``form`` that have errors, in the form's order (the error summary
    above a form lists them all, each a link to its field)."""
    if not form or not getattr(form, "errors", None):
        return []
    return [field for field in form if field.errors]


@register.inclusion_tag("includes/_pagination.html", takes_context=True)
def pagination(context, page_obj=None, label: str | None = None, extra_query: str | None = None):
    """Previous/next links of a paginated list: ``{% pagination %}`` (the page's ``page_obj``),
    or ``{% pagination pupils_page "Pages des élèves sans INE" %}``. Links keep the page's
    ``extra_query`` (filters by id, e.g. ``division=3&``), never a search term."""
    return {
        "page_obj": page_obj if page_obj is not None else context.get("page_obj"),
        "label": label or context.get("pagination_label") or "Pagination",
        "extra_query": extra_query if extra_query is not None else context.get("extra_query", ""),
    }


@register.simple_tag(takes_context=True)
def page_blocks(context, page: str, obj=None):
    """The sections other apps add to this page for ``obj`` (carnet.core.registry.PageBlock),
    each shown only to whoever holds its permission on ``obj``."""
    request = context["request"]
    parts = []
    for block in registry.page_blocks(page):
        if block.permission and not rules.has_perm(block.permission, request.user, obj):
            continue
        block_context = block.context(request, obj)
        if block_context is None:
            continue
        parts.append(render_to_string(block.template, block_context, request=request))
    return mark_safe("".join(parts))
