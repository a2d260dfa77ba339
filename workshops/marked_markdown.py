"""Markdown rendered as formatted, sanitised HTML with some of its words marked: added, removed,
or written by a given person. Pure: no ORM, no settings.

People read a change or a credit on the formatted text they wrote, so the marks go on the
rendered words. Each marked run of the source is wrapped in a pair of sentinel characters, the
text goes through the one renderer and sanitiser (``render_markdown``), and only then are the
sentinels turned into tags. The tags come from a fixed set built here; what a person typed can
only ever be text inside them, so marking opens no way round the sanitiser.

Sentinels are rare symbols (Sutton SignWriting, Unicode category So) rather than private-use
characters: the parser treats a symbol like punctuation when deciding whether ``*`` or ``_``
opens emphasis, just as it treats the spaces the sentinels sit next to, so ``_word_`` stays
emphasised once marked. The same characters typed by a person are replaced before marking.

A sentinel may not land where it would change the structure (before a heading's ``#``, inside
a link's address). Runs are cut where blocks end and each piece sits inside its line's text,
after the block markers; and if, even so, the marked rendering differs from the plain one, the
text is shown as written, in its paragraphs, with its marks: a mark is never lost or misplaced
to keep formatting. A word diff is checked the same way: with its removals left out it must
read as the new text, with its additions left out as the old.
"""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from workshops.attribution import expand, shown_word_opcodes, word_spans, words
from workshops.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_with, render_markdown

INSERTED = "inserted"
DELETED = "deleted"
AUTHOR = "author"
AUTHOR_STYLES = 8

_CLOSE = 0x1D800
_FIRST_OPEN = 0x1D801
MAX_MARKS = 0x1D9FF - _FIRST_OPEN + 1
_SENTINELS = re.compile("[\U0001d800-\U0001d9ff]")
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Mark:
    """How a run is marked. ``label`` is read out before the run by screen readers (and
    ``key`` shown before an author's run); both are escaped, so they may hold any text."""

    kind: str
    label: str = ""
    style: int = 0
    key: str = ""


@dataclass(frozen=True)
class MarkedRun:
    """Characters ``start``–``end`` of a text carry mark number ``mark``."""

    start: int
    end: int
    mark: int


# Block markers a line's text starts after: indentation, quote markers, list markers, a
# heading's hashes, a table's leading pipe.
_LINE_PREFIX = re.compile(
    r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])|#{1,6}(?=[ \t]|$)|\|))*"
)
# Trailing markers: a heading's closing hashes, a table's closing pipe.
_LINE_SUFFIX = re.compile(r"(?:[ \t]*\|)*\\?[ \t]*$")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
# Lines with no words a reader sees: fences, rules, heading underlines, table alignment rows,
# link definitions. Their words stay unmarked.
_MARKUP_LINE = re.compile(
    r"^ {0,3}(?:`{3,}|~{3,})"
    r"|^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$"
    r"|^ {0,3}(?:=+|-+)[ \t]*$"
    r"|^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$"
    r"|^ {0,3}\[[^\]]+\]:"
)
# The part of a link after its text, never shown as text: "](address "title")", "][label]",
# or a whole autolink "<https://...>".
_LINK_TAIL = re.compile(
    r"\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
    r"|\]\[[^\]\n]*\]"
    r"|<[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\s]*>"
)


def without_sentinels(text: str) -> str:
    """The text with any sentinel character a person typed replaced, keeping every position."""
    return _SENTINELS.sub(_REPLACEMENT, text or "")


def _open(mark_index: int) -> str:
    return chr(_FIRST_OPEN + mark_index)


def _line_piece(text, run, line_start, line):
    """The part of the run on one line that a reader sees, or None."""
    if _MARKUP_LINE.match(line):
        return None
    content_start = line_start + _LINE_PREFIX.match(line).end()
    content_end = line_start + _LINE_SUFFIX.search(line).start()
    closing = _HEADING_LINE.match(line) and _HEADING_CLOSE.search(line)
    if closing:
        content_end = min(content_end, line_start + closing.start())
    start, end = max(run.start, content_start), min(run.end, content_end)
    # A table's cell pipes are markup too: a sentinel beside one joins the wrong cell.
    while start < end and (text[start].isspace() or text[start] == "|"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "|"):
        end -= 1
    return (start, end) if start < end else None


def _continues(text, previous, line_start, line, piece):
    """Whether the piece goes on from the previous one within one paragraph: the line before
    ended inside the run, is no heading, and this line starts no block of its own."""
    previous_start, previous_end, previous_line = previous
    return (
        previous_line == text.rfind("\n", 0, line_start - 1) + 1
        and not _HEADING_LINE.match(text[previous_line:line_start])
        and not text[previous_end:line_start].strip()
        and not _LINE_PREFIX.match(line).group().strip()
        and not text[line_start : piece[0]].strip()
    )


def _line_pieces(text: str, run: MarkedRun):
    """The run cut where its blocks end (a line of its own, a heading, a list item) and trimmed
    to the words a reader sees; the lines of one paragraph stay one piece."""
    pieces = []
    line_start = text.rfind("\n", 0, run.start) + 1
    while line_start < run.end:
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        line = text[line_start:line_end]
        piece = _line_piece(text, run, line_start, line)
        if piece and pieces and _continues(text, pieces[-1], line_start, line, piece):
            pieces[-1] = (pieces[-1][0], piece[1], line_start)
        elif piece:
            pieces.append((*piece, line_start))
        line_start = line_end + 1
    return [(start, end) for start, end, _line in pieces]


def _outside_link_tails(text: str, pieces):
    """Moves a sentinel that would fall inside a link's address to just after it."""
    tails = [(m.start() + 1, m.end()) for m in _LINK_TAIL.finditer(text)]
    if not tails:
        return pieces

    def moved(position):
        for start, end in tails:
            if start < position < end:
                return end
        return position

    return [(moved(start), moved(end), mark) for start, end, mark in pieces]


def _with_sentinels(text: str, runs) -> str:
    pieces = [
        (start, end, run.mark)
        for run in sorted(runs, key=lambda run: run.start)
        for start, end in _line_pieces(text, run)
    ]
    pieces = _outside_link_tails(text, pieces)
    inserts = []
    for start, end, mark in pieces:
        if start < end:
            inserts.append((start, 1, _open(mark)))
            inserts.append((end, 0, chr(_CLOSE)))
    inserts.sort(key=lambda insert: (insert[0], insert[1]))
    out, position = [], 0
    for at, _order, sentinel in inserts:
        out.append(text[position:at])
        out.append(sentinel)
        position = at
    out.append(text[position:])
    return "".join(out)


def _plain_paragraphs(text: str) -> str:
    """The text unformatted but with its paragraphs and line breaks (the fallback)."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>\n"
        for p in paragraphs
    )


MARK_CLASSES = {
    "span": {"author-mark", "author-key", "visually-hidden"}
    | {f"author-style-{n}" for n in range(AUTHOR_STYLES)},
}


class _Marker(HTMLParser):
    """Rewrites sanitised HTML, turning sentinels into the marks' tags. Each tag wraps text
    inside one text node only, so marks always nest properly, whatever the formatting."""

    def __init__(self, marks):
        super().__init__(convert_charrefs=True)
        self.marks = marks
        self.out = []
        self.active = None  # the open mark's index
        self.started = False  # whether the open mark has shown its label yet
        self.wrapper_open = False

    def _close_wrapper(self, ended=False):
        if self.wrapper_open:
            mark = self.marks[self.active]
            # Space after the last word goes outside too (escaped text never holds a "<").
            last = self.out[-1]
            trailing = last[len(last.rstrip()) :] if not last.startswith("<") else ""
            if trailing and last.strip():
                self.out[-1] = last.rstrip()
            else:
                trailing = ""
            if ended and mark.kind != AUTHOR:
                self.out.append('<span class="visually-hidden">]</span>')
            self.out.append("</span>" if mark.kind == AUTHOR else f"</{_TAG[mark.kind]}>")
            self.out.append(trailing)
            self.wrapper_open = False

    def _event(self, sentinel):
        code = ord(sentinel)
        if self.started and not self.wrapper_open and self.marks[self.active].kind != AUTHOR:
            # The run's last words ended inside other formatting (a link): say where it ends.
            self.out.append('<span class="visually-hidden">]</span>')
        self._close_wrapper(ended=True)
        self.started = False
        if code == _CLOSE:
            self.active = None
        else:
            index = code - _FIRST_OPEN
            self.active = index if index < len(self.marks) else None

    def _text(self, text):
        if self.active is None or not text.strip():
            self._close_wrapper()
            self.out.append(html.escape(text, quote=False))
            return
        if not self.wrapper_open:
            # Space before the first word stays outside, so no mark starts with a gap.
            stripped = text.lstrip()
            self.out.append(html.escape(text[: len(text) - len(stripped)], quote=False))
            text = stripped
            self.out.append(self._opening_tag(self.marks[self.active], first=not self.started))
            self.started = self.wrapper_open = True
        self.out.append(html.escape(text, quote=False))

    @staticmethod
    def _opening_tag(mark, first):
        if mark.kind == AUTHOR:
            opening = f'<span class="author-mark author-style-{int(mark.style) % AUTHOR_STYLES}">'
            if first:
                opening += (
                    f'<span class="author-key" aria-hidden="true">{html.escape(mark.key)}</span>'
                    f'<span class="visually-hidden">{html.escape(mark.label)} </span>'
                )
            return opening
        opening = f"<{_TAG[mark.kind]}>"
        if first:
            opening += f'<span class="visually-hidden">[{html.escape(mark.label)} </span>'
        return opening

    def handle_data(self, data):
        position = 0
        for match in _SENTINELS.finditer(data):
            self._text(data[position : match.start()])
            self._event(match.group())
            position = match.end()
        self._text(data[position:])

    def _attributes(self, attrs):
        parts = []
        for name, value in attrs:
            value = value or ""
            for sentinel in _SENTINELS.findall(value):
                self._event(sentinel)
            parts.append(f' {name}="{html.escape(_SENTINELS.sub("", value))}"')
        return "".join(parts)

    def handle_starttag(self, tag, attrs):
        self._close_wrapper()
        tag = _OWN_TAGS.get(tag, tag)
        attributes = self._attributes(attrs)
        self.out.append(f"<{tag}{attributes}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self._close_wrapper()
        tag = _OWN_TAGS.get(tag, tag)
        self.out.append(f"</{tag}>")

    def result(self):
        self.close()
        self._close_wrapper(ended=True)
        return "".join(self.out)


_TAG = {INSERTED: "ins", DELETED: "del"}
# Struck-through text a person wrote is not a removal: <del> is kept for the marks.
_OWN_TAGS = {"del": "s"}


def _clean_marked(marked_html: str) -> str:
    """The sanitiser once more, allowing only the marks' own tags and classes on top."""
    attributes = {
        **ALLOWED_ATTRIBUTES,
        "span": {"aria-hidden"},
    }
    return clean_with(
        marked_html,
        tags=ALLOWED_TAGS | {"ins", "s", "span"},
        attributes=attributes,
        allowed_classes=MARK_CLASSES,
    )


def render_marked(text: str, runs, marks, *, formatted: bool = True) -> str:
    """``text`` as formatted, sanitised HTML with each run's words marked (or, with
    ``formatted`` false, as written, in its paragraphs).

    ``runs`` are ``MarkedRun``s that do not overlap; ``marks`` the ``Mark``s they name by
    number. Runs that name a mark beyond ``MAX_MARKS`` stay unmarked.
    """
    text = without_sentinels(text)
    marks = list(marks)[:MAX_MARKS]
    runs = [run for run in runs if run.mark < len(marks) and run.start < run.end]
    with_sentinels = render_markdown(_with_sentinels(text, runs)) if formatted else ""
    if not formatted or _SENTINELS.sub("", with_sentinels) != render_markdown(text):
        with_sentinels = _plain_paragraphs(_with_sentinels_plain(text, runs))
    marker = _Marker(marks)
    marker.feed(with_sentinels)
    return _clean_marked(marker.result())


def _with_sentinels_plain(text, runs):
    """Sentinels around every run, cut only at line ends, for the unformatted fallback."""
    out, position = [], 0
    for run in sorted(runs, key=lambda run: run.start):
        for start, end in _word_pieces(text, run):
            out.append(text[position:start])
            out.append(_open(run.mark) + text[start:end] + chr(_CLOSE))
            position = end
    out.append(text[position:])
    return "".join(out)


def _word_pieces(text, run):
    for match in re.finditer(r"[^\n]+", text[run.start : run.end]):
        piece = match.group()
        stripped = piece.strip()
        if stripped:
            start = run.start + match.start() + (len(piece) - len(piece.lstrip()))
            yield start, start + len(stripped)


# Word diffs on formatted text

DIFF_MARKS = (INSERTED, DELETED)
# A removed line that would open a code fence or define a link would swallow the words after
# it once set among them; escaped, it shows as the text it was.
_SWALLOWING_LINE = re.compile(r"^( {0,3})(`{3}|~{3}|\[(?=[^\]\n]+\]:))", re.MULTILINE)


def _defused(removed: str) -> str:
    return _SWALLOWING_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), removed)


def _gap(text, spans, index):
    """The whitespace before word ``index`` (after the last word when index is past the end)."""
    start = spans[index - 1][1] if index > 0 else 0
    end = spans[index][0] if index < len(spans) else len(text)
    return text[start:end]


def _around_removed(old_before, old_after, new_gap, at_start, at_end):
    """The whitespace to set before and after removed words where the new text has
    ``new_gap``: next to the words they were next to, keeping the new text's own breaks."""
    if at_start:
        return new_gap, (old_after if "\n" in old_after else " ") if not at_end else ""
    if at_end:
        return (old_before if "\n" in old_before else " "), new_gap
    if "\n" in old_before and "\n" not in old_after:
        return new_gap, " "  # the removed words began a line: they lead the next words
    if "\n" in old_before and "\n" in new_gap:
        return new_gap, new_gap  # they were lines of their own
    return " ", new_gap


# Markup that opens a block at the start of a line: a heading, a list item, a quote, a table row.
_BLOCK_OPENER = re.compile(r"#{1,6}(?:\s|$)|[-*+]\s|\d{1,9}[.)]\s|>|\|")


def diff_merged(old_text: str, new_text: str, opcodes) -> tuple[str, list]:
    """The new text with the removed words of the old set back where they were, and the runs
    (mark 0: inserted, 1: deleted) that cover each change, following ``opcodes`` over the two
    texts' words (``attribution.shown_word_opcodes``)."""
    old_spans, new_spans = word_spans(old_text), word_spans(new_text)
    out, runs, cursor = [], [], 0
    length = 0

    def emit(piece, mark=None):
        nonlocal length
        if mark is not None and piece:
            runs.append(MarkedRun(length, length + len(piece), mark))
        out.append(piece)
        length += len(piece)

    for tag, i1, i2, j1, j2 in opcodes:
        if i2 > i1 and tag != "equal":
            new_gap = _gap(new_text, new_spans, j1)
            if tag == "replace":
                # Removed, then what replaced it. What replaced it may open a block (a heading, a
                # list item, a quote): then the removed words keep a paragraph of their own, or
                # the new block's markup would be read as words on their line.
                opens_block = (length == 0 or "\n" in new_gap) and bool(
                    _BLOCK_OPENER.match(new_text, new_spans[j1][0])
                    if j1 < len(new_spans)
                    else False
                )
                before, after = new_gap, "\n\n" if opens_block else " "
            else:
                before, after = _around_removed(
                    _gap(old_text, old_spans, i1),
                    _gap(old_text, old_spans, i2),
                    new_gap,
                    at_start=length == 0,
                    at_end=j1 == len(new_spans),
                )
            emit(before)
            emit(_defused(old_text[old_spans[i1][0] : old_spans[i2 - 1][1]]), 1)
            emit(after)
            cursor = new_spans[j1][0] if j1 < len(new_spans) else len(new_text)
        if j2 > j1:
            emit(new_text[cursor : new_spans[j1][0]])
            emit(new_text[new_spans[j1][0] : new_spans[j2 - 1][1]], 0 if tag != "equal" else None)
            cursor = new_spans[j2 - 1][1]
    emit(new_text[cursor:])
    return "".join(out), runs


def render_word_diff(old_text: str, new_text: str, *, added: str, removed: str) -> str:
    """The new text formatted, with added words in <ins> and removed ones in <del> where they
    were. ``added`` and ``removed`` are what screen readers say before each change."""
    old_text, new_text = without_sentinels(old_text), without_sentinels(new_text)
    opcodes = shown_word_opcodes(words(old_text), words(new_text))
    merged, runs = diff_merged(old_text, new_text, opcodes)
    marks = [Mark(INSERTED, added), Mark(DELETED, removed)]
    rendered = render_marked(merged, runs, marks)
    # Removed words set among the new ones can, rarely, change how the new ones are read (a
    # removed table row that takes in the next line): then the texts are shown as written.
    if _visible(rendered, without="del") != _visible(render_markdown(new_text)) or _visible(
        rendered, without="ins"
    ) != _visible(render_markdown(old_text)):
        rendered = render_marked(merged, runs, marks, formatted=False)
    return rendered


class _VisibleText(HTMLParser):
    """The letters and digits a reader sees, leaving out one kind of mark and hidden text."""

    def __init__(self, without):
        super().__init__(convert_charrefs=True)
        self.without, self.skipping, self.text = without, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "hr"):
            return
        hidden = tag == self.without or "visually-hidden" in (dict(attrs).get("class") or "")
        self.skipping.append(hidden)

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not any(self.skipping):
            self.text.append(data)


def _visible(rendered, without=None):
    reader = _VisibleText(without)
    reader.feed(rendered)
    reader.close()
    return re.sub(r"[\W_]+", "", "".join(reader.text))


# Who wrote what on formatted text


def render_attributed(text: str, attribution, marks: dict) -> str:
    """The text formatted, with each author's words marked. ``attribution`` is the text's runs
    ``[author, count]``; ``marks`` gives each author's ``Mark`` (authors without one, and words
    beyond the runs, stay unmarked)."""
    text = without_sentinels(text)
    authors = list(marks)
    number = {author: index for index, author in enumerate(authors)}
    runs, previous = [], None
    for (start, end), author in zip(word_spans(text), expand(attribution), strict=False):
        if author in number and previous == author:
            runs[-1] = MarkedRun(runs[-1].start, end, number[author])
        elif author in number:
            runs.append(MarkedRun(start, end, number[author]))
        previous = author
    return render_marked(text, runs, [marks[author] for author in authors])
