"""Two « Confirmer l'import » at the same moment (a double click, two tabs): the import is
applied once, the second answer says « déjà appliqué », never an error page.

Each test sends the two POSTs from two threads, each with its own database connection, the
second one while the first is inside its transaction (the first import's writes are held
for half a second, so that the two overlap for certain rather than by luck).

Which database: on PostgreSQL, the test database itself (the second request waits on the
lock of the establishment). On SQLite the test database is in memory, shared between the
threads through SQLite's *shared cache*, where a second writer fails at once (« database
table is locked ») instead of waiting: the busy timeout does not apply there, so a test
on it would show nothing of a deployment. ``shared_database`` therefore copies the
in-memory database (schema and the test's rows) to a file with SQLite's backup API and
points the threads' connections at it: the threads then run as a deployment on a SQLite
file does, with BEGIN IMMEDIATE and a 20-second busy timeout (config/settings/base.py).
"""

import contextlib
import dataclasses
import sqlite3
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from carnet.core.tests.html import text
from carnet.directory.models import Pupil
from carnet.imports import outside, services
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import ROWS, table

HOLD_SECONDS = 0.5


@contextlib.contextmanager
def shared_database(tmp_path):
    """New connections (the threads') reach a database with real locks: see the docstring."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "concurrent.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    settings = connections.settings["default"]
    memory_name = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = memory_name


def in_thread(function):
    """Run ``function`` in a thread with its own connection; return what it returned."""
    result = {}

    def target():
        try:
            result["value"] = function()
        except BaseException as exc:  # reported in the test's thread
            result["error"] = exc
        finally:
            connections["default"].close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result["value"]


def held(apply):
    """``apply`` that says when it has begun writing, then holds the transaction open."""
    started = threading.Event()

    def slow_apply(**kwargs):
        started.set()
        time.sleep(HOLD_SECONDS)
        return apply(**kwargs)

    return slow_apply, started


def two_confirms(clients: list[Client], url: str, started: threading.Event) -> list[str]:
    """The pages both clients end on: the first POST, then the second once the first is
    writing."""
    pages: list[str | BaseException] = [None, None]

    def confirm(index: int):
        try:
            if index == 1:
                assert started.wait(timeout=30), "le premier import n'a pas commencé"
            response = clients[index].post(url, follow=True)
            assert response.status_code == 200
            pages[index] = text(response)
        except BaseException as exc:
            pages[index] = exc
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for page in pages:
        if isinstance(page, BaseException):
            raise page
    return pages


@pytest.mark.django_db(transaction=True)
class TestDoubleConfirm:
    def test_siecle(self, establishment, users, client_of, diplomas, monkeypatch, tmp_path):
        school = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
        uploads = [RawFile(name, content) for name, content in gen.all_files(school).items()]
        batch = services.siecle_import_preview(
            establishment=establishment, uploads=uploads, actor=users["administrateur"]
        )
        clients = [client_of(users["administrateur"]) for _ in range(2)]
        slow_apply, started = held(services.SIECLE.apply)
        monkeypatch.setattr(
            services, "SIECLE", dataclasses.replace(services.SIECLE, apply=slow_apply)
        )
        url = reverse("imports:confirm", args=[batch.token])
        with shared_database(tmp_path):
            first, second = two_confirms(clients, url, started)
            status, pupils = in_thread(
                lambda: (ImportBatch.objects.get(pk=batch.pk).status, Pupil.objects.count())
            )
        assert "L'import a été appliqué." in first
        assert "Cet import a déjà été appliqué" in second
        assert "L'import a été appliqué." not in second
        assert (status, pupils) == (BatchStatus.APPLIED, 30)

    def test_hors_siecle(self, establishment, users, client_of, monkeypatch, tmp_path):
        batch = outside.outside_import_preview(
            establishment=establishment,
            upload=RawFile("apprentis.csv", table(*ROWS)),
            actor=users["administrateur"],
        )
        clients = [client_of(users["administrateur"]) for _ in range(2)]
        slow_apply, started = held(outside.OUTSIDE_IMPORT.apply)
        monkeypatch.setattr(
            outside,
            "OUTSIDE_IMPORT",
            dataclasses.replace(outside.OUTSIDE_IMPORT, apply=slow_apply),
        )
        url = reverse("imports:outside_confirm", args=[batch.token])
        with shared_database(tmp_path):
            first, second = two_confirms(clients, url, started)
            status, learners = in_thread(
                lambda: (ImportBatch.objects.get(pk=batch.pk).status, Pupil.objects.count())
            )
        assert "L'import des apprenants hors SIECLE a été appliqué." in first
        assert "Cet import a déjà été appliqué" in second
        assert (status, learners) == (BatchStatus.APPLIED, 3)
