"""Who wrote which word, and word-level differences between texts.

Pure functions: no ORM, no settings. An attribution is a list of runs ``[author, count]`` that
credits the words of a text, in order, to their authors; ``author`` is any JSON-safe id (the app
uses membership ids). It is kept incrementally: each save diffs the old text against the new one,
so reading a section never replays its history.

Rules, chosen so that credit follows the words a reader sees:
- A word is a run of non-space characters. Whitespace changes credit nobody.
- A word whose letters and digits are unchanged (only punctuation or capitals differ) keeps its
  author: adding a comma does not make a sentence yours.
- Inserted words are credited to the editor, except words moved from elsewhere in the same save:
  a moved passage keeps the people who wrote it.
"""

import difflib
import re
import unicodedata
from functools import lru_cache
from itertools import groupby

_WORD = re.compile(r"\S+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")

# A moved passage must be at least this many words to keep its authors; shorter common runs
# ("the", "and so") are coincidence, not a move.
MIN_MOVED_WORDS = 3


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


# Texts repeat their words a lot, and every save keys every word of both texts.
@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """What makes two words the same word: their letters and digits, ignoring case."""
    core = _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFC", word)).casefold()
    return core or word


def _opcodes(old_keys, new_keys):
    """Opcodes over the two key lists, diffing only the middle that differs.

    Trimming the common start and end first keeps a small edit to a long text fast.
    """
    start = 0
    limit = min(len(old_keys), len(new_keys))
    while start < limit and old_keys[start] == new_keys[start]:
        start += 1
    end = 0
    while (
        end < limit - start
        and old_keys[len(old_keys) - 1 - end] == new_keys[len(new_keys) - 1 - end]
    ):
        end += 1
    opcodes = []
    if start:
        opcodes.append(("equal", 0, start, 0, start))
    middle = _middle_opcodes(
        old_keys[start : len(old_keys) - end], new_keys[start : len(new_keys) - end]
    )
    for tag, i1, i2, j1, j2 in middle:
        opcodes.append((tag, i1 + start, i2 + start, j1 + start, j2 + start))
    if end:
        opcodes.append(
            ("equal", len(old_keys) - end, len(old_keys), len(new_keys) - end, len(new_keys))
        )
    return opcodes


# Beyond this many steps a shortest edit script costs too much to find (a near-total rewrite of
# a long text); difflib's faster heuristic answers instead.
_SHORTEST_EDIT_STEP_BUDGET = 250_000


def _middle_opcodes(a, b):
    blocks = _shortest_edit_blocks(a, b)
    if blocks is None:
        # autojunk off: in long texts common words would otherwise be ignored and diffs go wrong.
        return difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    opcodes = []
    i = j = 0
    for ai, bj, size in [*blocks, (len(a), len(b), 0)]:
        if i < ai and j < bj:
            opcodes.append(("replace", i, ai, j, bj))
        elif i < ai:
            opcodes.append(("delete", i, ai, j, bj))
        elif j < bj:
            opcodes.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            opcodes.append(("equal", ai, i, bj, j))
    return opcodes


def _shortest_edit_blocks(a, b):
    """Matching blocks (i, j, size) of a shortest edit script from a to b, by Myers' O(ND)
    algorithm; None when finding it would take more than the step budget.

    difflib matches the longest common block first, which in text with repeated words can leave
    a word both texts share unmatched ("a a a" -> "Y a X a a Z" loses an "a"). A shortest script
    never does, so the words nobody touched keep their authors.
    """
    n, m = len(a), len(b)
    offset = n + m + 1
    v = [0] * (2 * offset + 1)
    trace = []  # v[-d..d] after each round d, to walk the script back
    steps = 0
    for d in range(n + m + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            start = x
            while x < n and x - k < m and a[x] == b[x - k]:
                x += 1
            steps += 1 + x - start
            v[offset + k] = x
            if x >= n and x - k >= m:
                trace.append(v[offset - d : offset + d + 1])
                return _blocks_from_trace(trace, n, m)
        trace.append(v[offset - d : offset + d + 1])
        if steps > _SHORTEST_EDIT_STEP_BUDGET:
            return None
    return None


def _blocks_from_trace(trace, n, m):
    blocks = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        previous = trace[d - 1]  # v[k] of round d - 1 is previous[k + d - 1]
        k = x - y
        if k == -d or (k != d and previous[k - 1 + d - 1] < previous[k + 1 + d - 1]):
            previous_k = k + 1  # reached by inserting b[y - 1]
            previous_x = previous[previous_k + d - 1]
            start_x = previous_x
        else:
            previous_k = k - 1  # reached by deleting a[x - 1]
            previous_x = previous[previous_k + d - 1]
            start_x = previous_x + 1
        if x > start_x:
            blocks.append((start_x, start_x - k, x - start_x))
        x, y = previous_x, previous_x - previous_k
    if x:
        blocks.append((0, 0, x))
    blocks.reverse()
    return blocks


def word_opcodes(old: list[str], new: list[str]):
    return _opcodes([word_key(w) for w in old], [word_key(w) for w in new])


def word_change_counts(old_text: str, new_text: str) -> tuple[int, int]:
    """(words added, words removed) between two texts."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in word_opcodes(words(old_text), words(new_text)):
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of the text, in the order ``words`` gives them."""
    return [match.span() for match in _WORD.finditer(text or "")]


def shown_word_opcodes(old: list[str], new: list[str]):
    """Opcodes of the difference people are shown between two word lists."""
    # Shown to people, so every visible change counts, punctuation and capitals included; a
    # change of Unicode normal form (NFC/NFD) is invisible, so it does not.
    nfc_old = [unicodedata.normalize("NFC", w) for w in old]
    nfc_new = [unicodedata.normalize("NFC", w) for w in new]
    return _opcodes(nfc_old, nfc_new)


def word_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """The difference as (kind, text) runs, kind being "same", "inserted" or "deleted"."""
    old, new = words(old_text), words(new_text)
    runs = []
    for tag, i1, i2, j1, j2 in shown_word_opcodes(old, new):
        if tag == "equal":
            runs.append(("same", " ".join(new[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("deleted", " ".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("inserted", " ".join(new[j1:j2])))
    return runs


# Attribution runs


def expand(runs) -> list:
    """One author per word, from runs."""
    authors = []
    for author, count in runs or ():
        authors.extend([author] * count)
    return authors


def compress(authors) -> list:
    """Runs from one author per word."""
    return [[author, sum(1 for _ in group)] for author, group in groupby(authors)]


def attribute_new_text(old_text: str, old_runs, new_text: str, editor) -> list:
    """Runs for ``new_text``, made by ``editor`` from ``old_text`` credited by ``old_runs``.

    Unchanged words keep their authors, moved passages keep theirs, new words are the editor's.
    If ``old_runs`` does not cover ``old_text`` exactly (it never should), the uncovered words are
    credited to the editor rather than failing the save.
    """
    old, new = words(old_text), words(new_text)
    old_authors = expand(old_runs)
    if len(old_authors) != len(old):
        old_authors = (old_authors + [editor] * len(old))[: len(old)]
    old_keys = [word_key(w) for w in old]
    new_keys = [word_key(w) for w in new]
    opcodes = _opcodes(old_keys, new_keys)

    new_authors = [editor] * len(new)
    removed_keys, removed_authors = [], []
    inserted_ranges = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            new_authors[j1:j2] = old_authors[i1:i2]
            continue
        if i2 > i1:
            removed_keys.extend(old_keys[i1:i2])
            removed_authors.extend(old_authors[i1:i2])
        if j2 > j1:
            inserted_ranges.append((j1, j2))

    if removed_keys:
        _credit_moved_words(new_keys, new_authors, inserted_ranges, removed_keys, removed_authors)
    return compress(new_authors)


def _credit_moved_words(new_keys, new_authors, inserted_ranges, removed_keys, removed_authors):
    """Give inserted words that were removed elsewhere in the same save back to their authors."""
    used = [False] * len(removed_keys)
    for j1, j2 in inserted_ranges:
        matcher = difflib.SequenceMatcher(a=removed_keys, b=new_keys[j1:j2], autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size < MIN_MOVED_WORDS:
                continue
            span = range(block.a, block.a + block.size)
            if any(used[i] for i in span):
                continue
            for offset, i in enumerate(span):
                used[i] = True
                new_authors[j1 + block.b + offset] = removed_authors[i]


def attributed_words(text: str, runs) -> list[tuple[str, object]]:
    """(word, author) for each word of the text."""
    return list(zip(words(text), expand(runs), strict=False))


def attributed_segments(text: str, runs) -> list[tuple[object, str]]:
    """The text cut into (author, text) segments that keep its own spacing and line breaks.

    Whitespace between two words by the same author stays inside their segment; whitespace
    between authors is a segment with author None.
    """
    authors = expand(runs)
    segments = []
    position = 0
    for index, match in enumerate(_WORD.finditer(text or "")):
        author = authors[index] if index < len(authors) else None
        gap = text[position : match.start()]
        if segments and segments[-1][0] == author and author is not None:
            segments[-1] = (author, segments[-1][1] + gap + match.group())
        else:
            if gap:
                segments.append((None, gap))
            segments.append((author, match.group()))
        position = match.end()
    if position < len(text or ""):
        segments.append((None, text[position:]))
    return segments


def words_by_author(runs) -> dict:
    totals = {}
    for author, count in runs or ():
        totals[author] = totals.get(author, 0) + count
    return totals


def token_opcodes(old_tokens, new_tokens):
    """Opcodes between two token lists, compared exactly (for replaying an edit token by token)."""
    return _opcodes(old_tokens, new_tokens)


def without_authors(text: str, runs, authors: set) -> tuple[str, list]:
    """The text with every word credited to one of ``authors`` cut out, and the runs of the
    words left. The spaces and line breaks between the other words stay as they were, so
    paragraphs and lists keep their shape; a line whose every word was cut is dropped."""
    credited = expand(runs)
    pieces, kept_authors, position = [], [], 0
    emptied, kept_on = set(), set()  # line numbers that lost words, and that kept some
    line, counted_to = 0, 0
    for (start, end), author in zip(word_spans(text), credited, strict=False):
        line += text.count("\n", counted_to, start)
        counted_to = start
        if author in authors:
            pieces.append(text[position:start].rstrip(" "))
            position = end
            emptied.add(line)
        else:
            kept_authors.append(author)
            kept_on.add(line)
    pieces.append(text[position:])
    lines = "".join(pieces).split("\n")
    dropped = emptied - kept_on
    body = "\n".join(line.rstrip() for n, line in enumerate(lines) if n not in dropped)
    return body.strip("\n"), compress(kept_authors)
