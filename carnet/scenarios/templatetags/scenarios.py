from django import template

register = template.Library()


@register.filter
def pluriel(value, suffix: str = "s") -> str:
    """French plural: « 0 critère », « 1 critère », « 2 critères » (Django's pluralize
    writes « 0 critères »). ``value``: a number or something with a length."""
    try:
        count = len(value) if hasattr(value, "__len__") else int(value)
    except (TypeError, ValueError):
        return ""
    return suffix if count > 1 else ""


@register.filter
def taille(size) -> str:
    """A file's size as a French teacher reads it: « 124 octets », « 5,1 Ko », « 50 Mo »."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    value, unit = (size / 1024, "Ko") if size < 1024 * 1024 else (size / (1024 * 1024), "Mo")
    return f"{value:.1f}".replace(".0", "").replace(".", ",") + f"\u00a0{unit}"
