"""Two inline SVG charts for the eval report, with no library: a scatter plot with vertical
error bars, and horizontal stacked bars. Text is escaped; sizes are in SVG user units."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, LEFT, RIGHT, TOP, BOTTOM = 640, 70, 30, 20, 50
CHAR_WIDTH = 7  # about, at font-size 12
LEGEND_COLUMNS, LEGEND_SPACING = 4, 130
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d")
Format = Callable[[float], str]


@dataclass(frozen=True)
class Point:
    """A labelled point with a vertical interval (``low`` to ``high``)."""

    label: str
    x: float
    y: float
    low: float
    high: float


def nice_ticks(largest: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``largest``: steps of 1, 2, 2.5 or 5 × 10^k."""
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < largest * (1 - 1e-9):
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def scatter(points: Sequence[Point], x_label: str, y_label: str, ticks: Format) -> str:
    """Points (y from 0 to 1, shown as %) against x, each with its interval and label."""
    height = 340
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    x_ticks = nice_ticks(max((p.x for p in points), default=0.0) * 1.1)

    def at(x: float, y: float) -> tuple[float, float]:
        return LEFT + plot_w * x / x_ticks[-1], TOP + plot_h * (1 - y)

    parts = [_open(height, f"{y_label} against {x_label}")]
    for tick in x_ticks:
        x, _ = at(tick, 0)
        parts.append(_grid(x, TOP, x, TOP + plot_h))
        parts.append(_text(x, TOP + plot_h + 18, ticks(tick), "middle"))
    for step in range(6):
        _, y = at(0, step / 5)
        parts.append(_grid(LEFT, y, LEFT + plot_w, y))
        parts.append(_text(LEFT - 8, y + 4, f"{step * 20}%", "end"))
    parts.append(_text(LEFT + plot_w / 2, height - 8, x_label, "middle"))
    parts.append(_text(16, TOP + plot_h / 2, y_label, "middle", rotate=True))
    for index, point in enumerate(points):
        x, y = at(point.x, point.y)
        _, y_low = at(0, point.low)
        _, y_high = at(0, point.high)
        fill = colour(index)
        parts.append(
            f'<line x1="{x:.1f}" y1="{y_low:.1f}" x2="{x:.1f}" y2="{y_high:.1f}" stroke="{fill}"'
            ' stroke-width="2"/>'
        )
        for end in (y_low, y_high):
            parts.append(
                f'<line x1="{x - 5:.1f}" y1="{end:.1f}" x2="{x + 5:.1f}" y2="{end:.1f}"'
                f' stroke="{fill}" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{fill}"/>')
        right_half = x > LEFT + plot_w * 0.6  # label on the side with room for it
        parts.append(
            _text(
                x - 10 if right_half else x + 10,
                y - 8,
                point.label,
                "end" if right_half else "start",
            )
        )
    return "\n".join([*parts, "</svg>"])


def stacked_bars(
    rows: Mapping[str, Mapping[str, float]], ticks: Format, values: Format, title: str
) -> str:
    """One horizontal bar per row, split into its segments and labelled with its total, with a
    legend of the segments. ``ticks`` formats the axis, ``values`` the totals and tooltips."""
    segments = sorted({name for row in rows.values() for name in row})
    bar, gap = 26, 14
    legend_rows = math.ceil(len(segments) / LEGEND_COLUMNS)
    height = TOP + len(rows) * (bar + gap) + BOTTOM + 20 * legend_rows
    left = max(LEFT, CHAR_WIDTH * max((len(label) for label in rows), default=0) + 16)
    plot_w = WIDTH - left - RIGHT - 60  # room for the totals
    marks = nice_ticks(max((sum(row.values()) for row in rows.values()), default=0.0))
    scale = plot_w / marks[-1]
    parts = [_open(height, title)]
    axis_y = TOP + len(rows) * (bar + gap)
    for tick in marks:
        x = left + tick * scale
        parts.append(_grid(x, TOP, x, axis_y))
        parts.append(_text(x, axis_y + 16, ticks(tick), "middle"))
    for row_index, (label, row) in enumerate(rows.items()):
        y = TOP + row_index * (bar + gap)
        parts.append(_text(left - 8, y + bar / 2 + 4, label, "end"))
        x = float(left)
        for name in segments:
            value = row.get(name, 0.0)
            if value <= 0:
                continue
            width = value * scale
            fill = colour(segments.index(name))
            tip = escape(f"{label} · {name}: {values(value)}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar}" fill="{fill}">'
                f"<title>{tip}</title></rect>"
            )
            x += width
        parts.append(_text(x + 6, y + bar / 2 + 4, values(sum(row.values())), "start"))
    parts.extend(_legend(segments, left, axis_y + 40))
    return "\n".join([*parts, "</svg>"])


def _legend(names: Sequence[str], left: float, top: float) -> list[str]:
    """A colour swatch and a name per segment, ``LEGEND_COLUMNS`` to a row."""
    parts = []
    for index, name in enumerate(names):
        row, column = divmod(index, LEGEND_COLUMNS)
        x, y = left + column * LEGEND_SPACING, top + row * 20
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour(index)}"/>')
        parts.append(_text(x + 18, y, name, "start"))
    return parts


def _open(height: int, title: str) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img" font-family="sans-serif"'
        f' font-size="12"><title>{escape(title)}</title>'
    )


def _grid(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#ddd"/>'


def _text(x: float, y: float, text: str, anchor: str, *, rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{turn}>{escape(text)}</text>'
