"""Bar charts drawn on the server: one HTML row per bar, the bar itself a small inline SVG.

No chart library and no script. Each label is HTML text, so it wraps onto a second line where
it is long and the browser shapes and orders it as Persian — in a right-to-left page it starts
at the right edge and wraps there, never clipped at the wrong end as SVG text is. On a phone the
label sits above its bar (hamyar.css), so the bar has the whole width. A bar is stacked from
its series (they must not overlap: they add up to the row's total); SVG fills print, where CSS
backgrounds do not. Every row carries a tooltip with each series' name and value, in the
page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    label: str
    values: dict[str, int]
    """Series name → value; the series are stacked in the order the chart names them."""
    href: str | None = None
    """Where the label leads (a drill-down), if anywhere."""


@dataclass(frozen=True)
class Series:
    name: str
    """Also the CSS class that colours it."""
    title: str
    """The localised name shown in the legend and tooltips."""


def bar_chart(
    bars: Sequence[Bar],
    series: Sequence[Series],
    *,
    rtl: bool,
    title: str,
    number: Callable[[int], str] = str,
    separator: str = ", ",
) -> Markup:
    """A figure: a legend, then one row per bar (label, stacked bar, total)."""
    top = max((sum(b.values.get(s.name, 0) for s in series) for b in bars), default=0) or 1
    legend = "".join(f'<li class="{escape(s.name)}">{escape(s.title)}</li>' for s in series)
    parts = [
        f'<figure class="chart" aria-label="{escape(title)}">',
        f"<figcaption>{escape(title)}</figcaption>",
        f'<ul class="legend" aria-hidden="true">{legend}</ul>',
        '<ol class="chart-rows">',
    ]
    for item in bars:
        total = sum(item.values.get(s.name, 0) for s in series)
        tip = separator.join(f"{s.title}: {number(item.values.get(s.name, 0))}" for s in series)
        label = escape(item.label)
        if item.href:
            label = Markup(f'<a href="{escape(item.href)}">{label}</a>')
        parts.append(
            f'<li class="chart-row" title="{escape(tip)}">'
            f'<span class="chart-label">{label}</span>'
            f'<span class="chart-bar">{_bar(item, series, top, rtl)}</span>'
            f'<span class="chart-value">{escape(number(total))}</span></li>'
        )
    parts.append("</ol></figure>")
    return Markup("".join(parts))


def _bar(item: Bar, series: Sequence[Series], top: int, rtl: bool) -> str:
    """The stacked bar as an SVG 100 units wide (it stretches to its cell), growing from the
    start side: the right in RTL, the left in LTR."""
    rects = []
    offset = 0.0
    for s in series:
        value = item.values.get(s.name, 0)
        if not value:
            continue
        width = round(100 * value / top, 2)
        x = round(100 - offset - width, 2) if rtl else round(offset, 2)
        rects.append(
            f'<rect class="bar {escape(s.name)}" x="{x}" y="0" width="{width}" '
            f'height="{HEIGHT}"></rect>'
        )
        offset += width
    return (
        f'<svg viewBox="0 0 100 {HEIGHT}" preserveAspectRatio="none" aria-hidden="true" '
        f'focusable="false" xmlns="http://www.w3.org/2000/svg">{"".join(rects)}</svg>'
    )
