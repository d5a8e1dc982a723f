"""A memo that lives for one request: a value asked several times while one page is built
(a permission that every menu entry comes down to) is read from the database once.

Outside a request (a command, a test calling a service) nothing is remembered: every call
computes afresh, so a change made in between is always seen.
"""

from collections.abc import Callable
from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def request_memo(key, compute: Callable):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def request_memo_forget() -> None:
    """Forget everything remembered so far in this request (after a write that changes it)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
