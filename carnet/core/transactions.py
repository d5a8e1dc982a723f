"""Transactions that a concurrent writer may hold up: wait for it, whatever the database.

With ``transaction_mode="IMMEDIATE"`` (config/settings/base.py) every SQLite transaction
takes the write lock when it begins, and a second writer waits up to the connection's
timeout. One SQLite mode does not wait: a shared-cache database (the in-memory database of
the test suite, shared between the threads of a test) answers « database table is
locked » at once. ``atomic_retrying`` retries then, the whole transaction from the start,
as waiting would have: the work is the same whether SQLite waited or we did.
PostgreSQL waits on its row locks (``select_for_update``) and never reaches the retry.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction

T = TypeVar("T")
RETRY_PAUSE = 0.05  # seconds
RETRY_FOR = 20.0  # seconds, as long as SQLite's own timeout (config/settings/base.py)


def _locked(exc: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(exc)


def atomic_retrying(work: Callable[[], T]) -> T:
    """``work()`` in one transaction; run again from the start while SQLite says another
    writer holds the database (only outside any transaction: inside one, nothing can wait)."""
    deadline = time.monotonic() + RETRY_FOR
    while True:
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if connection.in_atomic_block or not _locked(exc) or time.monotonic() > deadline:
                raise
        time.sleep(RETRY_PAUSE)
