"""French typography shared by every app: agreement of counts, spaces that must not break.

Pure functions, no Django: templates use them through the ``nombre`` filter
(carnet/core/templatetags/carnet.py), Python messages directly.
"""

# Inside « », before : ; ! ? and between a number and its noun, a line must not break.
NBSP = "\u00a0"


def number(n: int) -> str:
    """``12345`` → « 12 345 »: thousands grouped by non-breaking spaces."""
    return f"{n:,}".replace(",", NBSP)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun agreeing with ``n``: singular for 0 and 1, plural from 2 (« 0 élève »,
    « 1 élève », « 2 élèves »). ``plural_form`` for nouns that do not take an « s »
    (« accès », « cheval » → « chevaux »)."""
    if abs(n) < 2:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 élève », « 2 divisions », « 3 accès inspecteur », « 10 000 élèves »: the number and
    its noun, never broken apart at the end of a line."""
    return f"{number(n)}{NBSP}{plural(n, singular, plural_form)}"
