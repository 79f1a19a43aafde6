"""Server-drawn SVG charts (portal.lib.charts): well-formed, one mark per
figure, text escaped, labelled for assistive technology, readable on a
phone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from portal.lib import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, under test)


def marks(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if css in (e.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


def workload(names: list[str], open_: list[int], overdue: list[int]) -> ET.Element:
    return parse(
        charts.bar_chart(
            chart_id="w",
            title="Open and overdue cases per examiner",
            categories=names,
            series=[
                charts.Series("Open cases", open_, [f"{n} open" for n in open_]),
                charts.Series("Overdue", overdue, [f"{n} overdue" for n in overdue]),
            ],
        )
    )


def test_a_bar_chart_has_a_labelled_bar_per_figure():
    root = workload(["Sato", "Suzuki", "Takahashi"], [12, 5, 0], [3, 0, 0])
    bars = marks(root, "chart__bar")
    assert len(bars) == 6  # three examiners × (open, overdue)
    # A zero is a thin mark, not a missing bar.
    assert len(marks(root, "chart__bar--zero")) == 3
    # The figures are words on the bars, not colour alone.
    for label in ("12 open", "3 overdue", "5 open", "0 overdue"):
        assert label in texts(root)
    # Longest bar for the largest figure.
    widths = [float(b.get("width", 0)) for b in bars]
    assert widths[0] == max(widths)


def test_bars_and_their_labels_stay_inside_the_picture():
    root = workload(["A"], [999], [1])
    _, _, width, _ = (float(v) for v in root.get("viewBox", "").split())
    for bar in marks(root, "chart__bar"):
        assert float(bar.get("x", 0)) + float(bar.get("width", 0)) <= width
    for text in root.iter(f"{SVG}text"):
        end = float(text.get("x", 0)) + charts.text_width(text.text or "")
        assert end <= width + 0.5


def test_names_are_text_never_markup():
    root = workload(['<script>alert("x")</script>', "A & B"], [1, 2], [0, 1])
    assert '<script>alert("x")</script>' in texts(root)
    assert "A & B" in texts(root)
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{SVG}script"))
    raw = str(
        charts.bar_chart(
            chart_id="w",
            title="<b>title</b>",
            categories=["<script>"],
            series=[charts.Series("<i>", [1])],
        )
    )
    assert "<script>" not in raw and "<b>" not in raw and "<i>" not in raw
    assert "&lt;script&gt;" in raw


def test_characters_xml_forbids_are_dropped():
    root = workload(["Bad\x00name\x1b"], [1], [0])
    assert "Badname" in texts(root)


def test_long_names_are_cut_to_fit_with_an_ellipsis():
    name = "審査" * 60
    root = workload([name], [1], [0])
    (shown,) = [t for t in texts(root) if t.startswith("審査")]
    assert shown.endswith("…")
    assert charts.text_width(shown) <= charts.BAR_WIDTH


def test_the_picture_is_named_for_assistive_technology_and_scales():
    root = workload(["A"], [1], [0])
    assert root.get("role") == "img"
    (title,) = root.findall(f"{SVG}title")
    assert title.text == "Open and overdue cases per examiner"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith(f"0 0 {charts.BAR_WIDTH} ")
    # No inline style: the content security policy forbids it.
    assert not [e for e in root.iter() if e.get("style") is not None]


def test_a_description_is_announced_with_the_title():
    root = parse(
        charts.bar_chart(
            chart_id="w",
            title="T",
            description="D",
            categories=["A"],
            series=[charts.Series("S", [1])],
        )
    )
    assert root.get("aria-labelledby") == "w-title w-desc"
    assert root.find(f"{SVG}desc") is not None


def test_ids_follow_the_chart_id():
    root = workload(["A"], [1], [0])
    assert {e.get("id") for e in root.iter() if e.get("id")} == {"w-title"}


def line(values: list[list[float | None]]) -> ET.Element:
    months = [(f"{m}月", "2026年" if m == 1 else "") for m in range(1, 13)]
    return parse(
        charts.line_chart(
            chart_id="t",
            title="Days from receipt to decision by month",
            x_labels=months,
            series=[charts.Series(f"s{i}", v) for i, v in enumerate(values)],
            y_label="Days",
        )
    )


def test_a_line_chart_has_a_point_per_figure_and_gaps_for_none():
    median: list[float | None] = [10, 12, None, None, 15, 14, 13, 12, 11, 10, 9, 8]
    p90: list[float | None] = [20, 25, None, None, 30, 28, 26, 24, 22, 20, 18, 16]
    root = line([median, p90])
    series = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart__series"]
    assert len(series) == 2
    for group, values in zip(series, (median, p90), strict=True):
        points = marks(group, "chart__point")
        assert len(points) == sum(v is not None for v in values)
        (path,) = group.iter(f"{SVG}path")
        # The gap splits the line in two pieces.
        assert path.get("d", "").count("M") == 2
    # Points differ by shape, lines by dash: not by colour alone.
    first, second = series
    assert first.find(f"{SVG}circle") is not None
    assert second.find(f"{SVG}rect") is not None
    paths = [next(g.iter(f"{SVG}path")) for g in series]
    assert paths[0].get("stroke-dasharray") is None
    assert paths[1].get("stroke-dasharray")


def test_a_higher_figure_is_drawn_higher():
    root = line([[10, 20] + [None] * 10])
    low, high = marks(root, "chart__point")
    assert float(high.get("cy", 0)) < float(low.get("cy", 0))


def test_a_line_chart_labels_every_month_and_the_year():
    root = line([[1.0] * 12])
    shown = texts(root)
    for month in range(1, 13):
        assert f"{month}月" in shown
    assert "2026年" in shown
    assert "Days" in shown


def test_one_figure_alone_is_still_a_point():
    root = line([[None] * 11 + [7.5]])
    assert len(marks(root, "chart__point")) == 1


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 1, 1), (7, 8, 2), (14, 15, 5), (38.5, 40, 10), (120, 150, 50), (3.2, 4, 1)],
)
def test_the_value_axis_ends_on_a_round_number(value, top, step):
    assert charts.nice_max(value) == (top, step)
