"""Words and word-level differences between texts. Pure functions: no ORM, no settings."""

import difflib
import re

# A word is a run of non-space characters; punctuation stays with its word, as a reader sees it.
_WORD = re.compile(r"\S+")


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def word_opcodes(old: list[str], new: list[str]):
    # autojunk off: in long texts common words would otherwise be ignored and diffs go wrong.
    return difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()


def word_change_counts(old_text: str, new_text: str) -> tuple[int, int]:
    """(words added, words removed) between two texts."""
    old, new = words(old_text), words(new_text)
    added = removed = 0
    for tag, i1, i2, j1, j2 in word_opcodes(old, new):
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def word_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """The difference as (kind, text) runs, kind being "same", "inserted" or "deleted"."""
    old, new = words(old_text), words(new_text)
    runs = []
    for tag, i1, i2, j1, j2 in word_opcodes(old, new):
        if tag == "equal":
            runs.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("deleted", " ".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("inserted", " ".join(new[j1:j2])))
    return runs
