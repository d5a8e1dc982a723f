"""A competency's level over time as a server-rendered SVG (no JavaScript, no library).

The picture is ``role="img"`` with a title and a description that says every point in
words; the page puts the same points in a table beside it, so nothing depends on seeing
the chart. Pure Python: the text is escaped here.
"""

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 420, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 14, 12, 30


def decimal(value: float) -> str:
    """« 2,5 », « 3 »: the French way, as the table beside the chart says it."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def level_chart(
    *, chart_id: str, title: str, points: Sequence, scale: Sequence[tuple[int, str]]
) -> str:
    """``points``: objects with ``date`` and ``value``, in date order; ``scale``: (value, code)
    of the scale's levels that have a value."""
    values = [v for v, _ in scale] or [1, 4]
    low, high = min(values), max(values)
    span_y = (high - low) or 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + inner_h - (value - low) / span_y * inner_h

    if points:
        first, last = points[0].date, points[-1].date
        span_x = (last - first).days or 1

        def x_of(date) -> float:
            if first == last:
                return LEFT + inner_w / 2
            return LEFT + (date - first).days / span_x * inner_w

    said = " ; ".join(f"{p.date:%d/%m/%Y} : {decimal(p.value)}" for p in points)
    desc = f"{len(points)} point" + ("s" if len(points) > 1 else "")
    desc += f". {said}." if said else "."
    parts = [
        f'<svg class="level-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-titre">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for value, code in scale:
        y = y_of(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(code)}</text>"
        )
    if points:
        coords = [(x_of(p.date), y_of(p.value)) for p in points]
        if len(coords) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline class="line" points="{line}"/>')
        for (x, y), point in zip(coords, points, strict=True):
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f"<title>{point.date:%d/%m/%Y} : {escape(decimal(point.value))}</title></circle>"
            )
        base = HEIGHT - 10
        parts.append(
            f'<text class="axis" x="{LEFT}" y="{base}">{first:%d/%m/%Y}</text>'
            + (
                f'<text class="axis" x="{WIDTH - RIGHT}" y="{base}" text-anchor="end">'
                f"{last:%d/%m/%Y}</text>"
                if first != last
                else ""
            )
        )
    parts.append("</svg>")
    return "".join(parts)
