"""Writes of the evaluations (carnet.evaluations.services.evaluations: an evaluation
itself; carnet.evaluations.services.results: its cells), importable from here."""

from carnet.evaluations.services.evaluations import (
    MAX_COLUMNS,
    MAX_PUPILS,
    default_targets,
    evaluation_create,
    evaluation_publish,
    evaluation_pupils_set,
    evaluation_update,
    school_year_bounds,
)
from carnet.evaluations.services.results import (
    COMMENT_MAX,
    ENTRY,
    MAX_CELLS,
    CellChange,
    CommentChange,
    RecordOutcome,
    cell_key,
    clean_text,
    comment_key,
    results_record,
)

__all__ = [
    "COMMENT_MAX",
    "ENTRY",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_PUPILS",
    "CellChange",
    "CommentChange",
    "RecordOutcome",
    "cell_key",
    "clean_text",
    "comment_key",
    "default_targets",
    "evaluation_create",
    "evaluation_publish",
    "evaluation_pupils_set",
    "evaluation_update",
    "results_record",
    "school_year_bounds",
]
