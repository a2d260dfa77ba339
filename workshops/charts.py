"""Bar charts drawn on the server as SVG, so results pages need no JavaScript to show them.

The charts are meant to be read by everyone in the room: every bar has its number written above
it, a second group is hatched as well as coloured so the groups can be told apart without
colour, and the whole chart is described in words for screen readers. Titles and labels come
from users, so every piece of text is escaped through ``format_html``.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# Drawing units; the SVG scales to its container through its viewBox.
_BAR_WIDTH = 28
_BAR_GAP = 4
_LABEL_GAP = 24
_PLOT_HEIGHT = 160
_LEGEND_TOP = 28
_LEGEND_LINE = 20
_SIDE = 16
_TEXT_COLOUR = "#1f2328"  # about 15:1 on white
# Fills for the groups, in order; each is at least 4.5:1 on white so the bars stand out too.
_FILLS = ("#1d4f91", "#8a3b00", "#2f6b2f", "#6b2f6b")


def _group_fill(chart_id: str, index: int) -> str:
    """Every group after the first is hatched over its colour, so colour is never the only cue."""
    return f"url(#{chart_id}-pattern-{index})" if index else _FILLS[0]


def _patterns(chart_id: str, count: int) -> SafeString:
    """Hatching for groups after the first, one angle each, with ids that start with the
    chart's id so that two charts on one page do not share (and fight over) a pattern."""
    return format_html_join(
        "",
        '<pattern id="{}-pattern-{}" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate({})"><rect width="6" height="6" fill="{}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>',
        (
            (chart_id, index, 45 if index % 2 else -45, _FILLS[index % len(_FILLS)])
            for index in range(1, count)
        ),
    )


def _plot_top(group_count: int) -> int:
    """Where the tallest bar starts: under the legend, leaving room for its count."""
    return _LEGEND_TOP + _LEGEND_LINE * group_count + 16


def _legend(chart_id: str, names: list[str]) -> SafeString:
    """One line per group, so long group names never run into each other."""
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>'
        '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
        (
            (
                _SIDE,
                _LEGEND_TOP + _LEGEND_LINE * index,
                _group_fill(chart_id, index),
                _TEXT_COLOUR,
                _SIDE + 20,
                _LEGEND_TOP + _LEGEND_LINE * index + 12,
                _TEXT_COLOUR,
                name,
            )
            for index, name in enumerate(names)
        ),
    )


def _labels(groups: list[tuple[str, list[tuple[str, int]]]]) -> list[str]:
    """Every label in the order first seen, so a group missing one still lines up."""
    return list(dict.fromkeys(label for _name, counts in groups for label, _count in counts))


def _cluster_width(group_count: int) -> int:
    return max(group_count, 1) * (_BAR_WIDTH + _BAR_GAP) - _BAR_GAP


def _chart_width(group_count: int, label_count: int) -> int:
    """Wide enough for the bars, and never so narrow that the title and legend are cut short."""
    bars = max(label_count, 1) * (_cluster_width(group_count) + _LABEL_GAP) - _LABEL_GAP
    return max(_SIDE * 2 + bars, 300)


def _bars(
    chart_id: str, groups: list[tuple[str, list[tuple[str, int]]]], labels: list[str]
) -> SafeString:
    """One cluster per label, one bar per group in it, with its count above and label below."""
    values = [dict(counts) for _name, counts in groups]
    highest = max((count for counts in values for count in counts.values()), default=0)
    cluster = _cluster_width(len(groups))
    baseline = _plot_top(len(groups)) + _PLOT_HEIGHT
    parts = []
    for position, label in enumerate(labels):
        left = _SIDE + position * (cluster + _LABEL_GAP)
        for index, counts in enumerate(values):
            count = counts.get(label, 0)
            height = round(_PLOT_HEIGHT * count / highest) if highest > 0 else 0
            x = left + index * (_BAR_WIDTH + _BAR_GAP)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>'
                    '<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="{}">{}</text>',
                    x,
                    baseline - height,
                    _BAR_WIDTH,
                    height,
                    _group_fill(chart_id, index),
                    _TEXT_COLOUR,
                    x + _BAR_WIDTH // 2,
                    baseline - height - 4,
                    _TEXT_COLOUR,
                    count,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="{}">{}</text>',
                left + cluster // 2,
                baseline + 18,
                _TEXT_COLOUR,
                label,
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


def _description(groups: list[tuple[str, list[tuple[str, int]]]]) -> str:
    """The numbers in words, for people who cannot see the bars: "Before: 1, 0; 2, 3. ..."."""
    sentences = []
    for name, counts in groups:
        numbers = "; ".join(
            _("%(label)s: %(count)s") % {"label": label, "count": count} for label, count in counts
        )
        sentences.append(f"{name}. {numbers}." if numbers else f"{name}. {_('No answers')}.")
    return " ".join(sentences)


def bar_chart_svg(
    *, title: str, groups: list[tuple[str, list[tuple[str, int]]]], chart_id: str
) -> SafeString:
    """A grouped bar chart as an SVG element, ready to put in a template.

    ``groups`` pairs each group's name with its ``(label, count)`` bars, for example
    ``[("Before", [("1", 0), ("2", 3)]), ("After", [("1", 1), ("2", 4)])]``; each label gets one
    bar per group side by side. Bar heights are in proportion to the highest count (all flat
    when every count is 0). ``chart_id`` must be unique on the page and safe as an XML id: the
    title, description and patterns take their ids from it."""
    labels = _labels(groups)
    width = _chart_width(len(groups), len(labels))
    baseline = _plot_top(len(groups)) + _PLOT_HEIGHT
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{0}-title"'
        ' aria-describedby="{0}-desc" viewBox="0 0 {1} {2}" width="100%"'
        ' preserveAspectRatio="xMinYMin meet" font-family="sans-serif" color="{3}">'
        '<title id="{0}-title">{4}</title><desc id="{0}-desc">{5}</desc>'
        "<defs>{6}</defs>"
        '<text x="{7}" y="18" font-size="15" font-weight="bold" fill="currentColor">{4}</text>'
        "{8}"
        '<line x1="{7}" y1="{9}" x2="{10}" y2="{9}" stroke="currentColor"/>'
        "{11}</svg>",
        chart_id,
        width,
        baseline + 32,
        _TEXT_COLOUR,
        title,
        _description(groups),
        _patterns(chart_id, len(groups)),
        _SIDE,
        _legend(chart_id, [name for name, _counts in groups]),
        baseline,
        width - _SIDE,
        _bars(chart_id, groups, labels),
    )
