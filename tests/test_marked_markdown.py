"""Word diffs and who-wrote-what on the formatted text: exact renderings of the common cases,
properties over random markdown-ish texts (the marks cover exactly the words the diff or the
attribution names, nothing of the machinery leaks out) and an XSS corpus in either version."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_markdown import ALLOWED_TAGS, NEVER_IN_OUTPUT, SAFE_LINK_PREFIXES, XSS_CORPUS
from workshops.attribution import expand, word_diff, words
from workshops.marked_markdown import (
    AUTHOR,
    Mark,
    MarkedRun,
    render_attributed,
    render_marked,
    render_word_diff,
)

HIDDEN = '<span class="visually-hidden">'
SENTINEL = re.compile("[\U0001d800-\U0001d9ff]")
MARK_TAGS = {"ins", "s", "span"}


def diff(old, new):
    return render_word_diff(old, new, added="added:", removed="removed:")


def added(text):
    return f"<ins>{HIDDEN}[added: </span>{text}{HIDDEN}]</span></ins>"


def removed(text):
    return f"<del>{HIDDEN}[removed: </span>{text}{HIDDEN}]</span></del>"


# Exact renderings


def test_render_word_diff_marks_words_inside_the_formatted_paragraph():
    html = diff(
        "Behaviour is a way of **telling us** something.",
        "Behaviour is a way of **telling us** what they need.",
    )

    assert html == (
        "<p>Behaviour is a way of <strong>telling us</strong> "
        f"{removed('something.')} {added('what they need.')}</p>\n"
    )


def test_render_word_diff_keeps_headings_paragraphs_and_lists():
    html = diff(
        "# Old title\n\nFirst paragraph.\n\nSecond paragraph.",
        "# New title\n\nSecond paragraph.\n\n- a new item\n- another",
    )

    assert html == (
        f"<h3>{removed('Old')} {added('New')} title</h3>\n"
        f"<p>{removed('First paragraph.')}</p>\n"
        "<p>Second paragraph.</p>\n"
        f"<ul>\n<li>{added('a new item')}</li>\n<li>{added('another')}</li>\n</ul>\n"
    )


def test_render_word_diff_a_paragraph_replaced_by_a_heading_keeps_both_formatted():
    html = diff("Something plain.", "## A calm start\n\nBreathe first.")

    assert html == (
        f"<p>{removed('Something plain.')}</p>\n"
        f"<h4>{added('A calm start')}</h4>\n"
        f"<p>{added('Breathe first.')}</p>\n"
    )


def test_render_word_diff_puts_a_removed_list_item_back_in_its_list():
    assert diff("- a\n- b\n- c", "- a\n- c") == (
        f"<ul>\n<li>a</li>\n<li>{removed('b')}</li>\n<li>c</li>\n</ul>\n"
    )


def test_render_word_diff_marks_a_change_across_formatting_in_each_piece():
    html = diff("Stay calm.", "Stay **very calm** and _kind_.")

    assert html == (
        f"<p>Stay {removed('calm.')} <strong><ins>{HIDDEN}[added: </span>very calm</ins>"
        f"</strong> <ins>and</ins> <em><ins>kind</ins></em><ins>.{HIDDEN}]</span></ins></p>\n"
    )


def test_render_word_diff_a_changed_link_keeps_both_addresses_out_of_the_marks():
    html = diff(
        "See [the guide](https://example.org/a) now.",
        "See [our guide](https://example.org/b) now.",
    )

    rel = 'rel="noopener noreferrer nofollow"'
    assert html == (
        f'<p>See <a href="https://example.org/a" {rel}><del>{HIDDEN}[removed: </span>the guide'
        f'</del></a>{HIDDEN}]</span> <a href="https://example.org/b" {rel}><ins>{HIDDEN}'
        f"[added: </span>our guide</ins></a>{HIDDEN}]</span> now.</p>\n"
    )


def test_render_word_diff_a_removed_code_fence_cannot_swallow_the_text_after_it():
    html = diff("```\ncode\n```", "code")

    assert html == f"<p>{removed('```')}\ncode\n{removed('```')}</p>\n"


def test_render_word_diff_shows_the_texts_as_written_when_a_removal_would_hide_new_words():
    # Set among the new words, the removed table rows would make a table whose extra cell
    # drops the added "a"; shown as written, every word stays in view.
    html = diff("| a | b |\n|---|---|\n|---|---|", "a a")

    assert html == (
        f"<p>{removed('|')} a {removed('| b |')}<br>\n{removed('|---|---|')}<br>\n"
        f"{removed('|---|---|')} {added('a')}</p>\n"
    )


def test_render_word_diff_of_empty_texts_is_empty():
    assert diff("", "") == ""
    assert diff("", "new words") == f"<p>{added('new words')}</p>\n"
    assert diff("old words", "") == f"<p>{removed('old words')}</p>\n"


def test_render_marked_a_sentinel_typed_by_a_person_is_replaced_not_obeyed():
    text = "a \U0001d801b\U0001d800 c"

    html = render_marked(text, [], [Mark("inserted", "added:")])

    assert html == "<p>a \ufffdb\ufffd c</p>\n"


def test_render_marked_falls_back_to_plain_paragraphs_rather_than_lose_a_mark():
    # A run that ends inside a link's address (one with nested brackets) cannot be marked on
    # the formatted text: it is marked on the text as written instead.
    text = "[a](https://example.org/p(q(r)s)t) after"
    runs = [MarkedRun(0, text.index("(r"), 0)]

    html = render_marked(text, runs, [Mark("inserted", "added:")])

    assert html == (
        f"<p><ins>{HIDDEN}[added: </span>[a](https://example.org/p(q{HIDDEN}]</span></ins>"
        "(r)s)t) after</p>\n"
    )


def test_render_attributed_marks_each_author_with_key_and_label_once_per_run():
    marks = {
        1: Mark(AUTHOR, "Sam, family carer:", 0, "A"),
        2: Mark(AUTHOR, "Tom, professional:", 1, "B"),
    }

    html = render_attributed(
        "# Calm words\n\nSpeak **slowly and** kindly.", [[1, 5], [2, 2]], marks
    )

    def key(letter, label):
        return f'<span class="author-key" aria-hidden="true">{letter}</span>{HIDDEN}{label} </span>'

    a, b = '<span class="author-mark author-style-0">', '<span class="author-mark author-style-1">'
    assert html == (
        f"<h3>{a}{key('A', 'Sam, family carer:')}Calm words</span></h3>\n"
        f"<p>{a}{key('A', 'Sam, family carer:')}Speak</span> <strong>{a}slowly</span> "
        f"{b}{key('B', 'Tom, professional:')}and</span></strong> {b}kindly.</span></p>\n"
    )


def test_render_attributed_escapes_labels_and_keys():
    marks = {1: Mark(AUTHOR, '<img src=x onerror="alert(1)">', 0, "<b>")}

    html = render_attributed("words", [[1, 1]], marks)

    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;img src=x onerror=" in html


# Properties

LETTERS = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
WORD = st.one_of(
    LETTERS,
    LETTERS.map(lambda w: f"**{w}**"),
    LETTERS.map(lambda w: f"_{w}_"),
    LETTERS.map(lambda w: f"~~{w}~~"),
    LETTERS.map(lambda w: f"`{w}`"),
    st.tuples(LETTERS, LETTERS).map(lambda p: f"[{p[0]}](https://example.org/{p[1]})"),
    st.sampled_from(["-", "*", "#", ">", "1.", "|", "**", "_", "`", "---", "[", "]"]),
)
LINE = st.tuples(
    st.sampled_from(["", "# ", "## ", "- ", "* ", "1. ", "> ", "> - ", "    ", "  "]),
    st.lists(WORD, min_size=0, max_size=6).map(" ".join),
).map("".join)
BLOCK_LINE = st.one_of(LINE, st.sampled_from(["", "```", "---", "===", "| a | b |", "|---|---|"]))
TEXT = st.lists(BLOCK_LINE, max_size=8).map("\n".join)
_LINK_TAIL = re.compile(r"\]\(https://example\.org/[a-h]*\)")


class _Reader(HTMLParser):
    """The visible text, each piece tagged with the marks around it; hidden text apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.pieces, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "hr"):
            self.stack.append((tag, dict(attrs).get("class", "")))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data):
        classes = " ".join(c for _, c in self.stack)
        if "visually-hidden" in classes or "author-key" in classes:
            return
        tags = {t for t, _ in self.stack}
        author = next((c for _, c in self.stack if "author-style-" in c), None)
        self.pieces.append(("ins" in tags, "del" in tags, author, data))


def _read(html):
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.stack == []
    return reader


def _letters(text):
    return re.sub(r"[^a-h]", "", _LINK_TAIL.sub("", text))


def _check_clean(html):
    assert not SENTINEL.search(html)
    for tag, attrs in _read(html).tags:
        assert tag in ALLOWED_TAGS | MARK_TAGS
        if "href" in attrs:
            assert attrs["href"].startswith(SAFE_LINK_PREFIXES)
        assert not any(name.startswith("on") for name in attrs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT)
def test_render_word_diff_marks_exactly_the_words_the_diff_names(old, new):
    html = diff(old, new)

    _check_clean(html)
    pieces = _read(html).pieces
    runs = word_diff(old, new)
    assert _letters("".join(t for ins, _, _, t in pieces if ins)) == _letters(
        "".join(text for kind, text in runs if kind == "inserted")
    )
    assert _letters("".join(t for _, dl, _, t in pieces if dl)) == _letters(
        "".join(text for kind, text in runs if kind == "deleted")
    )
    assert _letters("".join(t for ins, dl, _, t in pieces if not (ins or dl))) == _letters(
        "".join(text for kind, text in runs if kind == "same")
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.lists(st.integers(min_value=0, max_value=3), max_size=60))
def test_render_attributed_marks_each_word_with_its_author(text, authors):
    runs = [[author, 1] for author in authors]
    marks = {n: Mark(AUTHOR, f"person {n}:", n, "ABCD"[n]) for n in range(4)}

    html = render_attributed(text, runs, marks)

    _check_clean(html)
    pieces = _read(html).pieces
    credited = expand(runs) + [None] * len(words(text))
    for n in range(4):
        expected = " ".join(w for w, a in zip(words(text), credited, strict=False) if a == n)
        got = "".join(t for _, _, author, t in pieces if author == f"author-mark author-style-{n}")
        assert _letters(got) == _letters(expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(XSS_CORPUS),
    st.sampled_from(XSS_CORPUS),
    st.text(max_size=40),
    st.sampled_from(["", "\n\n", " ", "\n- ", "**"]),
)
def test_render_word_diff_no_markup_from_either_version_survives(old, new, noise, joint):
    for before, after in ((old, new), (new + joint + noise, old), (noise + joint + old, new)):
        html = diff(before, after)

        _check_clean(html)
        lowered = html.lower()
        # Typed markup comes out as escaped text; _check_clean has checked every real tag.
        for never in NEVER_IN_OUTPUT:
            assert never not in lowered


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(XSS_CORPUS), st.lists(st.integers(0, 2), max_size=30))
def test_render_attributed_no_markup_survives(text, authors):
    marks = {n: Mark(AUTHOR, f"<script>{n}</script>", n, "A") for n in range(3)}

    html = render_attributed(text, [[a, 1] for a in authors], marks)

    _check_clean(html)
    for never in NEVER_IN_OUTPUT:
        assert never not in html.lower()
