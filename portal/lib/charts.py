"""Charts drawn on the server as inline SVG: no JavaScript, no library.

A chart is a picture next to a table, never instead of it: the page keeps the
table as the chart's text alternative.  The SVG has ``role="img"`` and a
``<title>`` (with an optional ``<desc>``) that ``aria-labelledby`` points to,
so a screen reader announces one short sentence and moves on to the table.

The markup is built with ``xml.etree.ElementTree``, which escapes every text
and attribute: a name such as ``<script>`` stays text, and the result is
well-formed XML (tests parse it).  Characters XML forbids (control
characters) are dropped first.

Readable on a phone: the drawing has a ``viewBox`` about as wide as a phone
screen and ``width="100%"``, so it scales with its container (the stylesheet
caps its width on a desktop).  Colours come from the design tokens with at
least 3:1 contrast against white, and nothing is told by colour alone: bars
carry their label and value, lines differ by dash and marker shape and are
named in a legend.

Colours are presentation attributes, not ``style`` attributes: the content
security policy allows no inline styles.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

# Drawing widths, about a phone's: bars sit in narrower boxes (a dashboard
# panel) than the lines of a page-wide trend.
BAR_WIDTH = 320
LINE_WIDTH = 360
FONT_SIZE = 14
SMALL_FONT_SIZE = 12
# Design tokens (static/css/tokens.css): blue-900, red-900 (error), gray-900
# text, gray-600 axes, gray-200 grid lines.
COLOURS = ("#0017c1", "#ce0000", "#1a1a1a")
TEXT = "#1a1a1a"
AXIS = "#666666"
GRID = "#cccccc"
DASHES = (None, "6 4", "2 3")
MARKERS = ("circle", "square", "diamond")

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One series: its name (legend) and one value per category (``None``:
    no figure, drawn as a gap).  ``labels``, when given, are the texts drawn
    next to each bar (default: the value)."""

    name: str
    values: Sequence[float | None]
    labels: Sequence[str] | None = field(default=None)

    def label(self, index: int) -> str:
        if self.labels is not None:
            return self.labels[index]
        value = self.values[index]
        return "" if value is None else format_number(value)


def clean(text: str) -> str:
    """Text safe for XML: characters XML cannot carry are dropped."""
    return _NOT_XML.sub("", str(text))


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Approximate drawn width: full-width (CJK) characters are one em, the
    rest about 0.6 em.  Enough to keep labels apart and inside the box."""
    return sum(
        font_size if unicodedata.east_asian_width(ch) in "WF" else font_size * 0.6
        for ch in text
    )


def fit(text: str, width: float, font_size: float = FONT_SIZE) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (the table beside the
    chart has the whole text)."""
    text = clean(text)
    if text_width(text, font_size) <= width:
        return text
    while text and text_width(text + "…", font_size) > width:
        text = text[:-1]
    return text + "…"


def nice_max(value: float) -> tuple[float, float]:
    """A round top for the value axis and its step (1, 2 or 5 × 10^n)."""
    if value <= 0:
        return 1.0, 1.0
    raw_step = value / 4
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(
        m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step - 1e-9
    )
    return step * math.ceil(value / step - 1e-9), step


def _svg(
    chart_id: str, width: int, height: float, title: str, description: str
) -> ET.Element:
    labelled_by = f"{chart_id}-title"
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "chart__svg",
            "viewBox": f"0 0 {width} {_n(height)}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": labelled_by,
            "font-size": str(FONT_SIZE),
        },
    )
    ET.SubElement(svg, "title", {"id": labelled_by}).text = clean(title)
    if description:
        svg.set("aria-labelledby", f"{labelled_by} {chart_id}-desc")
        ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = clean(description)
    return svg


def _n(value: float) -> str:
    """A coordinate as short text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int | None = None,
    weight: str | None = None,
    css: str = "chart__text",
) -> ET.Element:
    attrs = {"x": _n(x), "y": _n(y), "fill": TEXT, "class": css}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    if size:
        attrs["font-size"] = str(size)
    if weight:
        attrs["font-weight"] = weight
    element = ET.SubElement(parent, "text", attrs)
    element.text = clean(text)
    return element


def _marker(
    parent: ET.Element,
    kind: str,
    x: float,
    y: float,
    colour: str,
    css: str = "chart__point",
) -> None:
    if kind == "circle":
        ET.SubElement(
            parent,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y),
                "r": "4",
                "fill": colour,
                "class": css,
            },
        )
    elif kind == "square":
        ET.SubElement(
            parent,
            "rect",
            {
                "x": _n(x - 3.5),
                "y": _n(y - 3.5),
                "width": "7",
                "height": "7",
                "fill": colour,
                "class": css,
            },
        )
    else:
        ET.SubElement(
            parent,
            "path",
            {
                "d": f"M{_n(x)} {_n(y - 5)}L{_n(x + 5)} {_n(y)}"
                f"L{_n(x)} {_n(y + 5)}L{_n(x - 5)} {_n(y)}Z",
                "fill": colour,
                "class": css,
            },
        )


def _legend(
    svg: ET.Element, series: Sequence[Series], *, width: int, lines: bool, y: float
) -> float:
    """The series' names with a sample of their bar or line; wraps to a new
    line when the row is full.  Returns the y below the legend."""
    x = 0.0
    row_height = FONT_SIZE + 10
    group = ET.SubElement(svg, "g", {"class": "chart__legend"})
    for index, one in enumerate(series):
        name = fit(one.name, width - 40)
        item_width = 34 + text_width(name) + 16
        if x and x + item_width > width:
            x = 0.0
            y += row_height
        colour = COLOURS[index % len(COLOURS)]
        middle = y + row_height / 2 - 2
        if lines:
            attrs = {
                "x1": _n(x),
                "y1": _n(middle),
                "x2": _n(x + 26),
                "y2": _n(middle),
                "stroke": colour,
                "stroke-width": "2.5",
            }
            dash = DASHES[index % len(DASHES)]
            if dash:
                attrs["stroke-dasharray"] = dash
            ET.SubElement(group, "line", attrs)
            _marker(
                group,
                MARKERS[index % len(MARKERS)],
                x + 13,
                middle,
                colour,
                css="chart__key",
            )
        else:
            ET.SubElement(
                group,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(middle - 6),
                    "width": "26",
                    "height": "12",
                    "fill": colour,
                },
            )
        _text(group, x + 32, middle + FONT_SIZE * 0.35, name)
        x += item_width
    return y + row_height + 6


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    description: str = "",
) -> SafeString:
    """Horizontal bars: for each category its name on a line of its own,
    then one bar per series with its label at the bar's end.  Names get the
    whole width (a phone has no room for a column of names)."""
    bar_height = 16
    gap = 4
    label_width = max(
        (text_width(one.label(i)) for one in series for i in range(len(categories))),
        default=0.0,
    )
    # Bars keep room for their label; a label never leaves the box.
    width = BAR_WIDTH
    room = max(width - label_width - 8, width / 3)
    top = max((v or 0 for one in series for v in one.values), default=0) or 1
    group_height = FONT_SIZE + 6 + len(series) * (bar_height + gap) + 12

    legend_rows = _legend_rows(series, width)
    legend_height = legend_rows * (FONT_SIZE + 10) + 6
    height = legend_height + len(categories) * group_height
    svg = _svg(chart_id, width, height, title, description)
    _legend(svg, series, width=width, lines=False, y=0)

    y = legend_height
    for index, name in enumerate(categories):
        group = ET.SubElement(svg, "g", {"class": "chart__group"})
        _text(group, 0, y + FONT_SIZE, fit(name, width), weight="bold")
        bar_y = y + FONT_SIZE + 6
        for s_index, one in enumerate(series):
            value = one.values[index] or 0
            length = room * value / top
            colour = COLOURS[s_index % len(COLOURS)]
            if value:
                ET.SubElement(
                    group,
                    "rect",
                    {
                        "x": "0",
                        "y": _n(bar_y),
                        "width": _n(max(length, 2)),
                        "height": str(bar_height),
                        "fill": colour,
                        "class": "chart__bar",
                    },
                )
            else:
                # A zero is drawn as a thin baseline mark, still labelled.
                ET.SubElement(
                    group,
                    "rect",
                    {
                        "x": "0",
                        "y": _n(bar_y),
                        "width": "1",
                        "height": str(bar_height),
                        "fill": AXIS,
                        "class": "chart__bar chart__bar--zero",
                    },
                )
            _text(
                group,
                max(length, 1) + 6,
                bar_y + bar_height / 2 + FONT_SIZE * 0.35,
                one.label(index),
            )
            bar_y += bar_height + gap
        y += group_height
    return _render(svg)


def _legend_rows(series: Sequence[Series], width: int) -> int:
    rows, x = 1, 0.0
    for one in series:
        item_width = 34 + text_width(fit(one.name, width - 40)) + 16
        if x and x + item_width > width:
            rows, x = rows + 1, 0.0
        x += item_width
    return rows


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[tuple[str, str]],
    series: Sequence[Series],
    y_label: str = "",
    description: str = "",
) -> SafeString:
    """Lines over categories along the x axis (months): one point per value,
    gaps where a value is ``None``.  ``x_labels`` are (label, second line)
    pairs; the second line (a year) may be empty."""
    plot_height = 160
    left = 36
    right = 12
    width = LINE_WIDTH
    legend_rows = _legend_rows(series, width)
    legend_height = legend_rows * (FONT_SIZE + 10) + 6
    y_label_height = FONT_SIZE + 8 if y_label else 0
    top = legend_height + y_label_height + 6
    has_second = any(second for _, second in x_labels)
    height = (
        top + plot_height + SMALL_FONT_SIZE + 8 + (SMALL_FONT_SIZE + 4) * has_second
    )
    svg = _svg(chart_id, width, height, title, description)
    _legend(svg, series, width=width, lines=True, y=0)

    values = [v for one in series for v in one.values if v is not None]
    y_max, step = nice_max(max(values, default=0))
    plot_width = width - left - right
    count = max(len(x_labels), 1)
    slot = plot_width / count

    def x_at(index: int) -> float:
        return left + slot * (index + 0.5)

    def y_at(value: float) -> float:
        return top + plot_height - plot_height * value / y_max

    axes = ET.SubElement(svg, "g", {"class": "chart__axes"})
    if y_label:
        _text(axes, 0, legend_height + FONT_SIZE, y_label, size=SMALL_FONT_SIZE)
    ticks = round(y_max / step)
    for tick in range(ticks + 1):
        value = step * tick
        y = y_at(value)
        ET.SubElement(
            axes,
            "line",
            {
                "x1": _n(left),
                "y1": _n(y),
                "x2": _n(width - right),
                "y2": _n(y),
                "stroke": AXIS if tick == 0 else GRID,
                "stroke-width": "1",
            },
        )
        _text(
            axes,
            left - 6,
            y + SMALL_FONT_SIZE * 0.35,
            format_number(value),
            anchor="end",
            size=SMALL_FONT_SIZE,
        )
    label_y = top + plot_height + SMALL_FONT_SIZE + 6
    for index, (label, second) in enumerate(x_labels):
        _text(
            axes,
            x_at(index),
            label_y,
            fit(label, slot + 4, SMALL_FONT_SIZE),
            anchor="middle",
            size=SMALL_FONT_SIZE,
        )
        if second:
            _text(
                axes,
                x_at(index),
                label_y + SMALL_FONT_SIZE + 4,
                fit(second, slot * 2, SMALL_FONT_SIZE),
                anchor="middle",
                size=SMALL_FONT_SIZE,
            )

    for s_index, one in enumerate(series):
        colour = COLOURS[s_index % len(COLOURS)]
        group = ET.SubElement(svg, "g", {"class": "chart__series"})
        path: list[str] = []
        previous: float | None = None
        for index, figure in enumerate(one.values):
            if figure is None:
                previous = None
                continue
            command = "L" if previous is not None else "M"
            path.append(f"{command}{_n(x_at(index))} {_n(y_at(figure))}")
            previous = figure
        if path:
            attrs = {
                "d": "".join(path),
                "fill": "none",
                "stroke": colour,
                "stroke-width": "2.5",
                "stroke-linejoin": "round",
                "class": "chart__line",
            }
            dash = DASHES[s_index % len(DASHES)]
            if dash:
                attrs["stroke-dasharray"] = dash
            ET.SubElement(group, "path", attrs)
        for index, figure in enumerate(one.values):
            if figure is not None:
                _marker(
                    group,
                    MARKERS[s_index % len(MARKERS)],
                    x_at(index),
                    y_at(figure),
                    colour,
                )
    return _render(svg)


def _render(svg: ET.Element) -> SafeString:
    # ElementTree escapes every text and attribute value it writes.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308
