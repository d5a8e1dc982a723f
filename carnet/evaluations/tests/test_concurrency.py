"""Two co-authors saving the same grid at the same instant, in two threads (two database
connections): no cell lost, the last write of a cell wins, no error. On PostgreSQL (the
in-memory SQLite of the tests has one connection per thread and no waiting)."""

import threading

import pytest
from django.db import connection, connections

from carnet.evaluations.models import Result
from carnet.evaluations.selectors import scale_of
from carnet.evaluations.services import CellChange, results_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite en mémoire : un seul écrivain à la fois"
    ),
]


def test_two_co_authors_at_once_lose_no_cell(school):
    for pupil in school.pupils:
        pupil.groups.add(school.group)
    evaluation = school.evaluate(divisions=[school.division, school.group])
    scale = [level.pk for level in scale_of(diploma_id=school.diploma.pk)]
    targets = list(evaluation.targets.all())
    start = threading.Barrier(2)
    errors = []

    def enter(actor, level, rounds):
        try:
            for n in range(rounds):
                if n == 0:
                    start.wait(timeout=10)
                # Each author: their own cells (a column each), and the shared first column.
                mine = targets[1] if actor == school.teacher else targets[2]
                results_record(
                    evaluation=evaluation,
                    actor=actor,
                    cells=[CellChange(p.pk, mine.pk, scale[(n + level) % 4]) for p in school.pupils]
                    + [CellChange(p.pk, targets[0].pk, scale[level]) for p in school.pupils],
                )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=enter, args=(school.teacher, 0, 20)),
        threading.Thread(target=enter, args=(school.co_author, 3, 20)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    values = {
        (r.pupil_id, r.target_id): r.level_id for r in Result.objects.filter(evaluation=evaluation)
    }
    assert len(values) == 30  # three columns × ten pupils: none lost
    assert {values[p.pk, targets[1].pk] for p in school.pupils} == {scale[19 % 4]}
    assert {values[p.pk, targets[2].pk] for p in school.pupils} == {scale[(19 + 3) % 4]}
    # The shared column: one of the two last writes, the same for every pupil of a batch.
    assert {values[p.pk, targets[0].pk] for p in school.pupils} <= {scale[0], scale[3]}
