"""Searches and name order of the list pages.

Searches typed in a list page are POSTed and kept in the session, one per list (a tab is a
list), never put in a URL: a pupil's or a teacher's name in a URL would land in the server's
access logs and the browser's history; pagination and filters by id stay in the URL.

Searches ignore case, accents, ligatures and typographic apostrophes/hyphens, and names
sort in French order (« Œ » with « O », « É » with « E »), the same way on SQLite and
PostgreSQL: the database folds the columns itself (``Folded``), with the very table of
``carnet.core.text.fold`` that folds the words searched:

- SQLite: ``carnet_fold()``, the Python function, registered on each connection
  (``register_sqlite_functions``, connected to ``connection_created`` by CoreConfig);
- PostgreSQL: plain ``replace()`` for the ligatures, then one ``translate()``, no extension.

Use ``words_match(term, *fields)`` to filter and ``name_order(*fields)`` to sort. A field
given by name is folded by each query (a few µs a row on PostgreSQL: fine for hundreds of
rows); a big table (pupils: up to 10,000 an establishment) keeps the folded value in a
column instead, ``folded_key(field)``, which the database computes itself on every write
(a generated column), bulk writes of the imports included; pass it as ``F("…_key")``.
"""

from functools import reduce
from operator import or_

from django.contrib import messages
from django.db.models import CharField, F, Func, GeneratedField, Q, TextField
from django.db.models.expressions import Combinable
from django.db.models.lookups import Contains

from carnet.core.text import (
    DROPPED,
    LIGATURES,
    SINGLE,
    clean_text,
    fold,
    has_control_characters,
    search_words,
)

MAX_SEARCH = 100
SQLITE_FUNCTION = "carnet_fold"


def _literal(text: str) -> str:
    # Constants of carnet.core.text, inlined: the same SQL text wherever the expression
    # appears (SELECT, GROUP BY, ORDER BY). No « % », which the driver would read.
    if "%" in text or "\x00" in text:
        raise ValueError(f"not inlined in SQL: {text!r}")
    return "'" + text.replace("'", "''") + "'"


# translate() looks each character up in its list, in order: lower-case letters, digits and
# spaces first, mapped to themselves, so that a name's usual characters are found at once.
_PG_SAME = "abcdefghijklmnopqrstuvwxyz 0123456789."
_PG_FROM = _literal(_PG_SAME + "".join(SINGLE) + DROPPED)
_PG_TO = _literal(_PG_SAME + "".join(SINGLE.values()))
_PG_LIGATURES = [(_literal(old), _literal(new)) for old, new in LIGATURES.items()]


class Folded(Func):
    """The column (or expression) folded as ``carnet.core.text.fold`` folds a string."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = CharField()

    def __init__(self, expression, **extra):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        for old, new in _PG_LIGATURES:
            sql = f"REPLACE({sql}, {old}, {new})"
        return f"TRANSLATE({sql}, {_PG_FROM}, {_PG_TO})", params


class Sorted(Func):
    """The expression compared byte by byte, on PostgreSQL too (COLLATE "C") as on SQLite:
    the order never depends on the database's locale."""

    template = "%(expressions)s"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f'({sql}) COLLATE "C"', params


def folded_key(field: str, verbose_name: str = "") -> GeneratedField:
    """A column the database keeps equal to ``fold(field)``, on every write (bulk ones too).

    Changing the folding table (carnet.core.text) needs a migration that removes and adds
    these columns again: the database computed the values already stored.
    """
    return GeneratedField(
        expression=Folded(field),
        output_field=TextField(),
        db_persist=True,
        verbose_name=verbose_name or f"{field} (clé de recherche)",
    )


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite learns ``carnet_fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def _folded(field):
    """A field name, folded by the query; an expression (``F("last_name_key")``) as is."""
    return field if isinstance(field, Combinable) else Folded(field)


def name_order(*fields) -> list:
    """Order by these fields in French order, then by pk (ties never depend on the vendor).

    ``queryset.order_by(*name_order("last_name", "first_name"))``; a stored key is given
    as ``F("last_name_key")``.
    """
    return [Sorted(_folded(field)).asc() for field in fields] + ["pk"]


def words_match(term: str, *fields, exact: tuple[str, ...] = ()) -> Q:
    """Every word of ``term`` found in one of ``fields`` (folded; a stored key is given as
    ``F("…_key")``), or equal, case aside, to one of ``exact`` (an INE). An empty term
    matches everything."""
    condition = Q()
    for word in search_words(term):
        found = [Contains(_folded(field), word) for field in fields]
        found += [Q(**{f"{field}__iexact": word}) for field in exact]
        condition &= reduce(or_, found)
    return condition


# --- The search of each list, kept in the session -----------------------------------------

REFUSED = (
    "La recherche contient un caractère de contrôle invisible (copié avec le texte ?) : "
    "retapez-la au clavier."
)


def _acceptable(term) -> bool:
    return isinstance(term, str) and not has_control_characters(term)


def session_search(request, key: str) -> str | None:
    """On POST, store the search of list ``key`` (or clear it) and return None: the caller
    redirects (PRG). A search holding a control character is refused with a message and
    changes nothing.

    On GET, return the current search of this list ("" when none). ``key`` names one list:
    a page with tabs gives one key per tab, so that a search never carries over.
    """
    session_key = f"search:{key}"
    if request.method == "POST":
        raw = request.POST.get("q", "")
        if "clear" in request.POST:
            request.session.pop(session_key, None)
        elif not _acceptable(raw):
            messages.error(request, REFUSED)
        elif term := clean_text(raw)[:MAX_SEARCH].strip():
            request.session[session_key] = term
        else:
            request.session.pop(session_key, None)
        return None
    term = request.session.get(session_key, "")
    if not _acceptable(term):
        # Saved before searches were checked: dropped, the list shows everything.
        request.session.pop(session_key, None)
        return ""
    return clean_text(term)[:MAX_SEARCH]
