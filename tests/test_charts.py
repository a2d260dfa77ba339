"""SVG bar charts: well-formed, labelled for screen readers, numbers written on every bar,
user text escaped, and safe to put several on one page."""

import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from workshops.charts import bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
GROUPS = [
    ("Before", [("1", 0), ("2", 3), ("3", 7), ("4", 2), ("5", 1)]),
    ("After", [("1", 0), ("2", 1), ("3", 4), ("4", 6), ("5", 9)]),
]


def _chart(**overrides):
    arguments = {"title": "How confident do you feel?", "groups": GROUPS, "chart_id": "q1"}
    return bar_chart_svg(**(arguments | overrides))


def _parse(svg):
    return ET.fromstring(str(svg))


def _texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def test_charts_are_well_formed_svg_marked_safe():
    svg = _chart()

    assert isinstance(svg, SafeString)
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 ")


def test_charts_are_images_labelled_by_their_title_and_described_in_words():
    root = _parse(_chart())

    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title.get("id") == "q1-title"
    assert title.text == "How confident do you feel?"
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-describedby") == desc.get("id")
    assert "Before" in desc.text and "After" in desc.text
    assert "3: 7" in desc.text and "5: 9" in desc.text


def test_charts_write_every_count_above_its_bar_and_every_label_under_the_bars():
    root = _parse(_chart())

    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("width") == "28"]
    assert len(bars) == 10
    texts = _texts(root)
    for _name, counts in GROUPS:
        for label, count in counts:
            assert str(count) in texts
            assert label in texts
    # The legend names each group.
    assert "Before" in texts and "After" in texts


def _bar_heights(root):
    return [
        int(rect.get("height")) for rect in root.iter(f"{SVG}rect") if rect.get("width") == "28"
    ]


def test_charts_bar_heights_follow_the_counts_with_the_highest_full_height():
    heights = _bar_heights(_parse(_chart()))

    # Label by label, Before's bar then After's: 0 0, 3 1, 7 4, 2 6, 1 9.
    counts = [0, 0, 3, 1, 7, 4, 2, 6, 1, 9]
    assert heights == [round(160 * count / 9) for count in counts]


def test_charts_escape_hostile_titles_and_labels():
    hostile = "<script>alert(1)</script>"
    svg = str(_chart(title=hostile, groups=[(hostile, [(hostile, 2)])], chart_id="q2"))

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert hostile in _texts(root)


def test_charts_with_only_zero_counts_or_nothing_at_all_still_draw():
    zeros = _parse(_chart(groups=[("After", [("Yes", 0), ("No", 0)])]))
    empty = _parse(_chart(groups=[]))

    assert _bar_heights(zeros) == [0, 0]
    assert "0" in _texts(zeros)
    assert empty.get("role") == "img"


def test_charts_tell_groups_apart_by_pattern_with_ids_unique_to_each_chart():
    first = _parse(_chart(chart_id="q1"))
    second = _parse(_chart(chart_id="q2"))

    first_ids = {pattern.get("id") for pattern in first.iter(f"{SVG}pattern")}
    second_ids = {pattern.get("id") for pattern in second.iter(f"{SVG}pattern")}
    assert first_ids and second_ids
    assert first_ids.isdisjoint(second_ids)
    fills = {rect.get("fill") for rect in first.iter(f"{SVG}rect")}
    assert "url(#q1-pattern-1)" in fills


def test_charts_with_one_group_need_no_pattern():
    root = _parse(_chart(groups=[GROUPS[0]]))

    assert list(root.iter(f"{SVG}pattern")) == []
    assert "7" in _texts(root)
