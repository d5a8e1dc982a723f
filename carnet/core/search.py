"""Searches typed in a list page are POSTed and kept in the session, never put in a URL.

A pupil's or a teacher's name in a URL would land in the server's access logs and the
browser's history; pagination and filters by id stay in the URL.
"""


def session_search(request, key: str) -> str | None:
    """On POST, store the search (or clear it) and return None: the caller redirects (PRG).

    On GET, return the current search of this list ("" when none).
    """
    session_key = f"search:{key}"
    if request.method == "POST":
        term = " ".join(request.POST.get("q", "").split())[:100]
        if term and "clear" not in request.POST:
            request.session[session_key] = term
        else:
            request.session.pop(session_key, None)
        return None
    return request.session.get(session_key, "")
