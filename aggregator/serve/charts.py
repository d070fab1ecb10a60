"""Small SVG charts drawn on the server: no script, no library, readable with JavaScript off.

A chart is a list of values, oldest first, drawn as bars (counts: new items
per run) or a line (rates and ages). Missing values (None) leave a gap. Each
chart carries a `<title>` and an `aria-label` naming what it shows and its
last value, so a screen reader or a text browser still gets the figure.
Colours are presentation attributes, not `style`, so the strict
Content-Security-Policy (no inline styles) does not blank them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BAR = "#3b6ea5"
LINE = "#b5523b"
AXIS = "#9aa4ad"


def _scale(values: Sequence[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def _frame(width: int, height: int, label: str, inner: str) -> Markup:
    text = escape(label)
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{text}">'
        f"<title>{text}</title>"
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="{AXIS}"/>'
        f"{inner}</svg>"
    )


def bars(
    values: Sequence[float | None], label: str, *, width: int = 120, height: int = 28
) -> Markup:
    """A bar per value, scaled to the largest."""
    top = _scale(values)
    step = width / max(len(values), 1)
    parts = []
    for index, value in enumerate(values):
        if value is None:
            continue
        tall = max(1.0, (height - 2) * value / top) if value > 0 else 0.0
        x = index * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{height - 1 - tall:.1f}" width="{step * 0.7:.1f}" '
            f'height="{tall:.1f}" fill="{BAR}"/>'
        )
    return _frame(width, height, label, "".join(parts))


def line(
    values: Sequence[float | None], label: str, *, width: int = 120, height: int = 28
) -> Markup:
    """A polyline through the values (a new segment after each gap), with a dot on each value."""
    top = _scale(values)
    step = width / max(len(values), 1)
    segments: list[list[str]] = [[]]
    dots = []
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
            continue
        x = index * step + step / 2
        y = height - 2 - (height - 4) * value / top
        segments[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{LINE}"/>')
    lines = [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="1.5"/>'
        for points in segments
        if len(points) > 1
    ]
    return _frame(width, height, label, "".join(lines) + "".join(dots))
