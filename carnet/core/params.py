"""Values read from the request by hand (a form field is the other way)."""

import re

# ASCII digits only: str.isdigit() also accepts « ² », « ١ » or « 𝟏 », which int() refuses
# or reads as another number. 18 digits: any id of a 64-bit column, never an overflow.
_ID = re.compile(r"[0-9]{1,18}")


def id_param(value) -> int | None:
    """The id given as ``?division=12`` or ``pupil=12`` (a str), or None if it is not one."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def page_param(request) -> int:
    """The page asked as ``?page=3`` (ASCII digits), else 1 — for ``Paginator.get_page``,
    which would read « ٣ » as 3; past the last page it gives the last one."""
    return id_param(request.GET.get("page")) or 1
