"""Django's SQLite backend, told the real limit of parameters per query.

Django 5.2 assumes SQLite's historical default of 999 parameters, so bulk_create and
bulk_update of a 3,000-pupil import split into ~50 queries, and their number grows with
the number of pupils. SQLite ≥ 3.32 allows 32,766 (Debian 12 ships 3.40); this backend asks
the library (as Django 6.0 does). Everything else is Django's backend.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


def _variable_limit() -> int:
    connection = sqlite3.connect(":memory:")
    try:
        return connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        connection.close()


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        return _variable_limit()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
