"""The entry grid as a page shows it: columns, rows, and the table's HTML, ready.

A grid of 30 pupils × 40 criteria is 1,200 cells of a seven-option ``<select>``: rendered by
the template language, one node at a time, it would cost most of the page's time budget
(80 ms). The table's header and rows are therefore written here (``build_grid`` describes
them), from fragments escaped once per grid (the options of each level, the ``selected``
variant of each), and the template places them. Everything a user typed (names, labels,
indicators, comments) is escaped here with ``django.utils.html.escape``.

The same HTML serves both ways of entering results: without JavaScript it is a plain form
(one ``<select>`` per cell, « Enregistrer »); ``static/js/evaluation-grid.js`` adds the
keyboard and the background saving on top of it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

# A cell's form field: « c-<column id>-<pupil id> »; a fill of empty cells: « fill-col-<id> »,
# « fill-row-<id> »; a comment: « comment-<pupil id> » (its value when the page was made:
# « comment-was-<pupil id> »); the cells' values when the page was made: « loaded ».
CELL_FIELD = "c-{target}-{pupil}"
TONES = 4


@dataclass(frozen=True)
class Level:
    """A level of the diploma's scale, as the grid shows it."""

    pk: int
    code: str
    label: str
    key: str
    value: int | None
    # « t1 » (lowest) … « t4 » (highest) for the levels that count, « tx » for the others
    # (absent, dispensé): a colour to complement the code and label, never alone.
    tone: str

    @property
    def text(self) -> str:
        """« 3 Maîtrisé »; « Absent » for a level that counts for nothing (as ScaleLevel)."""
        return level_text(self.code, self.label, self.value)

    @property
    def short(self) -> str:
        """What a cell shows: the code (« 3 »), or the key of a long code (« a », Absent)."""
        return self.code if len(self.code) <= 3 else self.key


def level_text(code: str, label: str, value: int | None) -> str:
    return f"{code} {label}" if value is not None else label


def levels_of(scale: Iterable) -> list[Level]:
    """The diploma's ScaleLevel rows (in their order) as grid levels, each with its tone."""
    scale = list(scale)
    counted = sorted({level.value for level in scale if level.value is not None})
    last = max(len(counted) - 1, 1)

    def tone(value) -> str:
        if value is None:
            return "tx"
        rank = counted.index(value)
        return f"t{1 + round(rank * (TONES - 1) / last)}" if len(counted) > 1 else f"t{TONES}"

    return [
        Level(
            pk=level.pk,
            code=level.code,
            label=level.label,
            key=level.key,
            value=level.value,
            tone=tone(level.value),
        )
        for level in scale
    ]


@dataclass(frozen=True)
class Column:
    target_id: int
    code: str
    label: str
    competency_code: str
    indicator: str


@dataclass
class Row:
    pupil_id: int
    name: str
    division: str
    editable: bool
    left: bool
    comment: str
    # The whole <tr>, written by build_grid.
    html: str = ""
    filled: int = 0


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    levels: list[Level]
    can_evaluate: bool
    # The cells' values when the page was made, « pupil:column=level;… » (the no-JS form
    # writes only the cells a user changed: a co-author's entry made meanwhile is kept).
    loaded: str = ""
    filled: int = 0
    # The table's <thead> and <tbody> contents.
    head: str = ""
    body: str = ""

    @property
    def total(self) -> int:
        return len(self.rows) * len(self.columns)

    @property
    def editable_rows(self) -> int:
        return sum(1 for row in self.rows if row.editable)

    @property
    def levels_json(self) -> list[dict]:
        return [
            {"id": level.pk, "key": level.key, "short": level.short, "text": level.text,
             "tone": level.tone}
            for level in self.levels
        ]  # fmt: skip


@dataclass
class _Fragments:
    """The HTML pieces every cell is made of, escaped once per grid."""

    levels: list[Level]
    options: dict = field(default_factory=dict)  # level pk or None → the options, it selected
    shown: dict = field(default_factory=dict)  # level pk or None → the read-only cell content
    tone: dict = field(default_factory=dict)
    fill: str = ""  # the options of a « Compléter » select

    def __post_init__(self):
        plain = [f'<option value="{lv.pk}">{escape(lv.text)}</option>' for lv in self.levels]
        empty = '<option value="">Non évalué</option>'
        self.options[None] = empty + "".join(plain)
        for index, level in enumerate(self.levels):
            chosen = plain.copy()
            chosen[index] = f'<option value="{level.pk}" selected>{escape(level.text)}</option>'
            self.options[level.pk] = empty + "".join(chosen)
            self.shown[level.pk] = (
                f'<span class="lvl">{escape(level.short)}</span>'
                f'<span class="visually-hidden"> {escape(level.label)}</span>'
            )
            self.tone[level.pk] = level.tone
        self.shown[None] = '<span class="visually-hidden">Non évalué</span>'
        self.tone[None] = "empty"
        self.fill = '<option value="">—</option>' + "".join(plain)


def build_grid(
    *,
    columns: list[Column],
    rows: list[Row],
    levels: list[Level],
    results: dict[tuple[int, int], int],
    can_evaluate: bool,
) -> Grid:
    """The grid with its header and every row written. ``results``: (pupil, column) → level.

    The table, as the template places it::

        <thead>
          <tr> Élève | a <th> per column: code, label (and indicators) | Compléter la ligne
               | Commentaire </tr>
          <tr class="fill-row"> Compléter les cases vides | a select per column | | </tr>
        </thead>
        <tbody>
          <tr> <th scope="row" id="p…"> name, division, « sorti » / « lecture seule »
               | a cell per column: <select name="c-<column>-<pupil>"> labelled by the row's
                 and the column's headers, or the level shown (read-only)
               | the row's « Compléter » select | the comment </tr> …
        </tbody>

    Without an editable row there is neither the « Compléter » row nor column.
    """
    fragments = _Fragments(levels)
    grid = Grid(columns=columns, rows=rows, levels=levels, can_evaluate=can_evaluate)
    fills = can_evaluate and grid.editable_rows > 0
    loaded = []
    for row in rows:
        parts = []
        for column in columns:
            level = results.get((row.pupil_id, column.target_id))
            if level is not None and level not in fragments.tone:
                level = None  # a level no longer in the scale: shown as not evaluated
            if level is not None:
                row.filled += 1
                loaded.append(f"{row.pupil_id}:{column.target_id}={level}")
            parts.append(_cell(row, column, level, fragments))
        grid.filled += row.filled
        row.html = _row(row, "".join(parts), fragments, can_evaluate, fills)
    grid.loaded = ";".join(loaded)
    grid.head = mark_safe(_head(columns, fragments, fills))  # escaped fragments only
    grid.body = mark_safe("".join(row.html for row in rows))  # escaped fragments only
    return grid


def _head(columns: list[Column], fragments: _Fragments, fills: bool) -> str:
    titles = []
    for c in columns:
        label = escape(c.label)
        if c.indicator:
            label += f" — indicateurs de réussite : {escape(c.indicator)}"
        titles.append(
            f'<th scope="col" class="col" title="{escape(c.label)}"><span id="t{c.target_id}" '
            f'class="code">{escape(c.code)}</span> <span id="l{c.target_id}" '
            f'class="col-label">{label}</span></th>'
        )
    head = (
        '<tr><th scope="col" class="corner">Élève</th>'
        + "".join(titles)
        + ('<th scope="col" class="fill-head">Compléter la ligne</th>' if fills else "")
        + '<th scope="col" id="hcomment" class="comment-head">Commentaire</th></tr>'
    )
    if fills:
        head += (
            '<tr class="fill-row"><th scope="row" class="corner">Compléter les cases vides</th>'
            + "".join(
                f'<td class="fill"><select name="fill-col-{c.target_id}" aria-label="Compléter '
                f'les cases vides de la colonne {escape(c.code)}">{fragments.fill}</select></td>'
                for c in columns
            )
            + "<td></td><td></td></tr>"
        )
    return head


def _row(row: Row, cells: str, fragments: _Fragments, can_evaluate: bool, fills: bool) -> str:
    name = escape(row.name)
    badge = ""
    if row.left:
        badge = ' <span class="badge">sorti</span>'
    elif can_evaluate and not row.editable:
        badge = ' <span class="badge">lecture seule</span>'
    fill = ""
    if fills:
        fill = '<td class="fill">'
        if row.editable:
            fill += (
                f'<select name="fill-row-{row.pupil_id}" aria-label="Compléter les cases vides '
                f'de la ligne de {name}">{fragments.fill}</select>'
            )
        fill += "</td>"
    comment = escape(row.comment)
    if row.editable:
        comment = (
            f'<textarea name="comment-{row.pupil_id}" rows="1" maxlength="2000" '
            f'aria-labelledby="hcomment p{row.pupil_id}">{comment}</textarea>'
            f'<input type="hidden" name="comment-was-{row.pupil_id}" value="{comment}">'
        )
    else:
        comment = comment.replace("\n", "<br>")
    opening = "<tr>" if row.editable else '<tr class="ro-row">'
    return (
        f'{opening}<th scope="row" id="p{row.pupil_id}">{name} '
        f'<span class="division">{escape(row.division)}</span>{badge}</th>'
        f'{cells}{fill}<td class="comment">{comment}</td></tr>'
    )


def _cell(row: Row, column: Column, level: int | None, fragments: _Fragments) -> str:
    tone = fragments.tone[level]
    if row.editable:
        name = CELL_FIELD.format(target=column.target_id, pupil=row.pupil_id)
        return (
            f'<td class="cell {tone}"><select name="{name}" '
            f'aria-labelledby="p{row.pupil_id} t{column.target_id}" '
            f'aria-describedby="l{column.target_id}">{fragments.options[level]}</select></td>'
        )
    return f'<td class="cell ro {tone}">{fragments.shown[level]}</td>'


def parse_loaded(value: str) -> dict[tuple[int, int], int]:
    """``Grid.loaded`` read back: (pupil, column) → level pk; what does not parse is left out."""
    cells = {}
    for part in value.split(";"):
        head, _, level = part.partition("=")
        pupil, _, target = head.partition(":")
        if all(part.isascii() and part.isdigit() for part in (pupil, target, level)):
            cells[int(pupil), int(target)] = int(level)
    return cells
