"""Horizontal bar charts as inline SVG, drawn on the server.

No chart library and no script: the chart is part of the page, prints, works on a phone, and
mirrors itself for right-to-left pages (bars grow from the right, labels sit on the right).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 26
BAR = 16
LABEL_WIDTH = 190
VALUE_WIDTH = 60
WIDTH = 720


@dataclass(frozen=True)
class Bar:
    label: str
    values: dict[str, int]
    """Series name → value; series are drawn overlapping, the first (largest) underneath."""


def bar_chart(
    bars: Sequence[Bar],
    series: Sequence[str],
    *,
    rtl: bool,
    title: str,
    number: Callable[[int], str] = str,
    series_labels: Mapping[str, str] | None = None,
) -> Markup:
    """An SVG of one row per bar; each series is a bar of its own colour (CSS class = name).

    Geometry is laid out left-to-right in physical coordinates (`direction="ltr"` on the SVG)
    and mirrored by hand for `rtl`; text runs still shape and order themselves as Persian.
    A bar's tooltip names its series by `series_labels` (the page's words), not by the code.
    """
    labels = series_labels or {}
    height = max(1, len(bars)) * ROW + 10
    top = max((max(b.values.values(), default=0) for b in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" direction="ltr">'
        f"<title>{escape(title)}</title>"
    ]
    for i, item in enumerate(bars):
        y = 5 + i * ROW
        label_x = WIDTH - 4 if rtl else LABEL_WIDTH - 8
        parts.append(
            f'<text x="{label_x}" y="{y + BAR - 3}" text-anchor="end">'
            f"{escape(_clip(item.label))}</text>"
        )
        for name in series:
            value = item.values.get(name, 0)
            width = round(span * value / top, 1)
            x = WIDTH - LABEL_WIDTH - width if rtl else LABEL_WIDTH
            parts.append(
                f'<rect class="bar {escape(name)}" x="{x}" y="{y}" width="{width}" '
                f'height="{BAR}" rx="3"><title>{escape(labels.get(name, name))}: '
                f"{escape(number(value))}</title></rect>"
            )
        first = item.values.get(series[0], 0) if series else 0
        end = round(span * first / top, 1)
        value_x = WIDTH - LABEL_WIDTH - end - 6 if rtl else LABEL_WIDTH + end + 6
        anchor = "end" if rtl else "start"
        parts.append(
            f'<text x="{value_x}" y="{y + BAR - 3}" text-anchor="{anchor}">'
            f"{escape(number(first))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
