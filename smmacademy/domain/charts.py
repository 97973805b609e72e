"""Server-side SVG charts (no JavaScript, no external service).

Each function returns SVG markup as a string with a <title> and <desc>; the
caller also shows the same numbers as a table for screen readers.
"""

from __future__ import annotations

import math
from html import escape


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def radar(
    labels: list[str],
    series: list[tuple[str, list[float], str]],
    maximum: float = 5,
    title: str = "",
    size: int | None = None,
) -> str:
    """A radar (spider) chart: one axis per label, one polygon per series.

    ``series`` holds (name, values, css class) with values on 0..maximum.
    Without ``size`` the chart grows with the number of axes so labels keep apart.

    Each axis label holds a number and a name: where the chart is wide, the name
    shows next to the axis; in a narrow frame (a phone), where names would shrink
    below a readable size, CSS shows the numbers in a larger font instead, and the
    key after the SVG (series and numbered axis names, ordinary page text) is shown.
    """
    count = len(labels)
    if count < 3:
        return ""
    size = size or max(420, 25 * count)
    # Wide margins left and right: axis labels are long ("Business process integration").
    width = size + 300
    centre_x, centre = width / 2, size / 2
    radius = size / 2 - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {size}" class="chart radar" role="img" '
        f'aria-labelledby="radar-title radar-desc">',
        f'<title id="radar-title">{escape(title)}</title>',
        '<desc id="radar-desc">'
        + escape(
            "; ".join(
                f"{name}: " + ", ".join(f"{lab} {v:g}" for lab, v in zip(labels, values, strict=True))
                for name, values, _ in series
            )
        )
        + "</desc>",
    ]

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * max(0.0, min(value, maximum)) / maximum
        return centre_x + distance * math.cos(angle), centre + distance * math.sin(angle)

    for ring in range(1, int(maximum) + 1):
        ring_points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f'<polygon class="grid" points="{ring_points}"/>')
    for index, label in enumerate(labels):
        x, y = point(index, maximum)
        parts.append(f'<line class="axis" x1="{_fmt(centre_x)}" y1="{_fmt(centre)}" x2="{_fmt(x)}" y2="{_fmt(y)}"/>')
        lx, ly = point(index, maximum + 0.45)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        parts.append(
            f'<text class="label" x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="{anchor}">'
            f'<tspan class="axis-number">{index + 1}</tspan><tspan class="axis-name">{escape(label)}</tspan></text>'
        )
    for name, values, css in series:
        shape = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, v) for i, v in enumerate(values)))
        parts.append(f'<polygon class="series {escape(css)}" points="{shape}"><title>{escape(name)}</title></polygon>')
    # The legend wraps onto more rows (the chart grows) when the series do not fit one line.
    columns = max(1, int((width - 12) // 190))
    extra_rows = (len(series) - 1) // columns
    for offset, (name, _, css) in enumerate(series):
        x = 12 + (offset % columns) * 190
        legend_y = size - 14 + (offset // columns) * 20
        parts.append(f'<rect class="swatch {escape(css)}" x="{x}" y="{legend_y - 10}" width="12" height="12"/>')
        parts.append(f'<text class="legend" x="{x + 18}" y="{legend_y}">{escape(name)}</text>')
    parts.append("</svg>")
    if extra_rows:
        parts[0] = parts[0].replace(f"0 0 {width} {size}", f"0 0 {width} {size + 20 * extra_rows}", 1)
    parts.append(_radar_key(labels, series))
    return "".join(parts)


def _radar_key(labels: list[str], series: list[tuple[str, list[float], str]]) -> str:
    """The radar's series and numbered axis names as page text, for frames too narrow for labels in the SVG."""
    swatches = "".join(
        f'<li><span class="swatch {escape(css)}" aria-hidden="true"></span>{escape(name)}</li>'
        for name, _, css in series
    )
    axes = "".join(f"<li>{escape(label)}</li>" for label in labels)
    return f'<div class="radar-key"><ul class="radar-series">{swatches}</ul><ol class="radar-axes">{axes}</ol></div>'


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(items: list[tuple[str, float]], title: str = "", maximum: float = 100, unit: str = "%") -> str:
    """Horizontal bars, one per (label, value)."""
    row, label_width, width = 30, 250, 560
    height = row * len(items) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart bars" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    span = width - label_width - 60
    for index, (label, value) in enumerate(items):
        y = 10 + index * row
        length = span * max(0.0, min(value, maximum)) / maximum if maximum else 0
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(_shorten(label, 32))}</text>'
        )
        parts.append(f'<rect class="bar" x="{label_width}" y="{y}" width="{_fmt(length)}" height="{row - 8}"/>')
        parts.append(
            f'<text class="value" x="{_fmt(label_width + length + 6)}" y="{y + 15}">{value:.0f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: list[tuple[str, float]], title: str = "", maximum: float = 100) -> str:
    """A line over labelled points (e.g. weeks), values on 0..maximum."""
    width, height, left, bottom, top = 640, 240, 40, 40, 16
    count = len(points)
    if count == 0:
        return ""
    span_x = (width - left - 16) / max(1, count - 1)
    span_y = height - bottom - top

    def xy(index: int, value: float) -> tuple[float, float]:
        return left + index * span_x, top + span_y * (1 - max(0.0, min(value, maximum)) / maximum)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart line" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        _, y = xy(0, tick * maximum / 100)
        parts.append(f'<line class="grid" x1="{left}" y1="{_fmt(y)}" x2="{width - 16}" y2="{_fmt(y)}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end">{tick}</text>')
    path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (xy(i, v) for i, (_, v) in enumerate(points)))
    parts.append(f'<polyline class="series" points="{path}"/>')
    for index, (label, value) in enumerate(points):
        x, y = xy(index, value)
        parts.append(
            f'<circle class="dot" cx="{_fmt(x)}" cy="{_fmt(y)}" r="3"><title>{escape(label)}: {value:.0f}%</title></circle>'
        )
        if index % 2 == 0 or index == count - 1:
            parts.append(
                f'<text class="tick" x="{_fmt(x)}" y="{height - 14}" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
