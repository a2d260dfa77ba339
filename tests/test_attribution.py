"""Word-level attribution: who wrote which word, kept incrementally at every save.

Pure tests of ``workshops.attribution``; restoring an earlier version, where attribution meets the
revision history, is tested with the content services (tests/services/test_content.py).
"""

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from workshops.attribution import (
    MIN_MOVED_WORDS,
    attribute_new_text,
    attributed_segments,
    attributed_words,
    compress,
    expand,
    shown_word_opcodes,
    without_authors,
    word_change_counts,
    word_diff,
    word_spans,
    words,
    words_by_author,
)


def _credit(text, author):
    """Runs for a text written from nothing by one author."""
    return attribute_new_text("", [], text, author)


def _authors(text, runs):
    return [author for _, author in attributed_words(text, runs)]


# Insertion, deletion, replacement


def test_attribute_new_text_insertion_in_the_middle_credits_only_the_new_words_to_the_editor():
    old = "We listen to what the behaviour tells us."
    new = "We listen carefully and calmly to what the behaviour tells us."

    runs = attribute_new_text(old, _credit(old, "carer"), new, "nurse")

    assert runs == [["carer", 2], ["nurse", 3], ["carer", 6]]
    assert words_by_author(runs) == {"carer": 8, "nurse": 3}


def test_attribute_new_text_deletion_keeps_the_remaining_words_authors():
    old = "Behaviour is a way of telling us something important."
    runs = compress(["carer"] * 4 + ["nurse"] * 5)

    new_runs = attribute_new_text(old, runs, "Behaviour is telling us something important.", "lead")

    assert new_runs == [["carer", 2], ["nurse", 4]]


def test_attribute_new_text_replacing_one_word_credits_only_that_word_to_the_editor():
    old = "The child was angry at school."
    new = "The child was frightened at school."

    runs = attribute_new_text(old, _credit(old, "carer"), new, "nurse")

    assert _authors(new, runs) == ["carer", "carer", "carer", "nurse", "carer", "carer"]


def test_attribute_new_text_deleting_everything_gives_no_runs():
    assert attribute_new_text("Some words here", [["carer", 3]], "", "nurse") == []


def test_attribute_new_text_from_empty_credits_every_word_to_the_editor():
    assert _credit("one two three", "carer") == [["carer", 3]]


# Moves


def test_attribute_new_text_moved_paragraph_keeps_its_original_authors():
    first = "Parents know their child best and notice small changes early."
    second = "Professionals bring knowledge of patterns seen across many families."
    old = f"{first}\n\n{second}"
    runs = compress(["carer"] * len(words(first)) + ["nurse"] * len(words(second)))

    new = f"{second}\n\n{first}"
    new_runs = attribute_new_text(old, runs, new, "lead")

    assert new_runs == [["nurse", len(words(second))], ["carer", len(words(first))]]


def test_attribute_new_text_moved_passage_of_min_moved_words_keeps_its_authors():
    moved = " ".join(f"moved{i}" for i in range(MIN_MOVED_WORDS))
    old = f"{moved} stay1 stay2 stay3 stay4"
    runs = compress(["carer"] * MIN_MOVED_WORDS + ["nurse"] * 4)

    new_runs = attribute_new_text(old, runs, f"stay1 stay2 stay3 stay4 {moved}", "lead")

    assert new_runs == [["nurse", 4], ["carer", MIN_MOVED_WORDS]]


def test_attribute_new_text_moved_passage_shorter_than_min_moved_words_goes_to_the_editor():
    moved = " ".join(f"moved{i}" for i in range(MIN_MOVED_WORDS - 1))
    old = f"{moved} stay1 stay2 stay3 stay4"
    runs = compress(["carer"] * (MIN_MOVED_WORDS - 1) + ["nurse"] * 4)

    new_runs = attribute_new_text(old, runs, f"stay1 stay2 stay3 stay4 {moved}", "lead")

    assert new_runs == [["nurse", 4], ["lead", MIN_MOVED_WORDS - 1]]


def test_attribute_new_text_moved_and_edited_passage_keeps_authors_of_unchanged_words():
    old = "alpha beta gamma delta. one two three four five six."
    runs = compress(["carer"] * 4 + ["nurse"] * 6)
    # The first sentence moves to the end, one of its words changes case and a word is added.
    new = "one two three four five six. alpha beta GAMMA! delta. epsilon"

    new_runs = attribute_new_text(old, runs, new, "lead")

    assert _authors(new, new_runs) == ["nurse"] * 6 + ["carer"] * 4 + ["lead"]


# Several authors


def test_attribute_new_text_two_authors_alternating_on_one_sentence():
    text = "We listen to families."
    runs = _credit(text, "carer")

    steps = [
        ("We always listen to families.", "nurse"),
        ("We always listen to families first.", "carer"),
        ("We always listen to parents and carers first.", "nurse"),
        ("We always listen closely to parents and carers first.", "carer"),
    ]
    for new, editor in steps:
        runs = attribute_new_text(text, runs, new, editor)
        text = new

    assert _authors(text, runs) == [
        "carer",  # We
        "nurse",  # always
        "carer",  # listen
        "carer",  # closely
        "carer",  # to
        "nurse",  # parents
        "nurse",  # and
        "nurse",  # carers
        "carer",  # first.
    ]
    assert runs == [["carer", 1], ["nurse", 1], ["carer", 3], ["nurse", 3], ["carer", 1]]


def test_attribute_new_text_runs_shorter_than_the_text_credit_the_rest_to_the_editor():
    runs = attribute_new_text("one two three four", [["carer", 2]], "one two three four", "nurse")

    assert runs == [["carer", 2], ["nurse", 2]]


# Whitespace, punctuation, capitals


def test_attribute_new_text_whitespace_only_change_keeps_attribution():
    old = "Stay calm.\nSpeak slowly. Give time."
    runs = compress(["carer"] * 2 + ["nurse"] * 4)
    new = "  Stay   calm.\n\n\tSpeak slowly.\r\n Give time.  \n"

    assert attribute_new_text(old, runs, new, "lead") == runs
    assert word_change_counts(old, new) == (0, 0)
    assert word_diff(old, new) == [("same", "Stay calm. Speak slowly. Give time.")]


def test_attribute_new_text_punctuation_and_capitals_change_keeps_the_words_author():
    old = "behaviour is communication"
    new = "Behaviour, is... COMMUNICATION!"

    runs = attribute_new_text(old, _credit(old, "carer"), new, "nurse")

    assert runs == [["carer", 3]]
    assert word_change_counts(old, new) == (0, 0)


# Text that is not ASCII


def test_attribute_new_text_welsh_apostrophe_change_keeps_the_author():
    old = "Mae'r plentyn yn hapus"
    new = "Mae’r plentyn yn hapus iawn"

    runs = attribute_new_text(old, _credit(old, "carer"), new, "nurse")

    assert runs == [["carer", 4], ["nurse", 1]]
    assert attributed_words(new, runs)[0] == ("Mae’r", "carer")


def test_attribute_new_text_accented_words_keep_their_author_through_capitals():
    old = "café naïve"
    new = "Café naïve!"

    runs = attribute_new_text(old, _credit(old, "carer"), new, "nurse")

    assert runs == [["carer", 2]]
    assert word_change_counts(old, new) == (0, 0)


def test_attribute_new_text_accents_are_part_of_the_word():
    runs = attribute_new_text("cafe", [["carer", 1]], "café", "nurse")

    assert runs == [["nurse", 1]]


def test_attribute_new_text_emoji_is_a_word_with_its_own_author():
    old = "👍 great"
    runs = _credit(old, "carer")

    assert attributed_words(old, runs) == [("👍", "carer"), ("great", "carer")]
    assert attribute_new_text(old, runs, "👍 great!", "nurse") == [["carer", 2]]
    assert attribute_new_text(old, runs, "👎 great", "nurse") == [["nurse", 1], ["carer", 1]]


def test_attribute_new_text_nfd_and_nfc_spellings_are_the_same_word():
    nfc = unicodedata.normalize("NFC", "Siân café")
    nfd = unicodedata.normalize("NFD", "Siân café")
    assert nfc != nfd

    assert attribute_new_text(nfc, _credit(nfc, "carer"), nfd, "nurse") == [["carer", 2]]
    assert attribute_new_text(nfd, _credit(nfd, "carer"), nfc, "nurse") == [["carer", 2]]
    assert word_change_counts(nfc, nfd) == (0, 0)


def test_word_diff_nfd_and_nfc_spellings_show_no_change():
    nfc = unicodedata.normalize("NFC", "Siân café")
    nfd = unicodedata.normalize("NFD", "Siân café")

    assert [kind for kind, _ in word_diff(nfc, nfd)] == ["same"]


# word_diff and word_change_counts


def test_word_diff_replaced_word_shows_deleted_then_inserted():
    assert word_diff("The cat sat down.", "The dog sat down.") == [
        ("same", "The"),
        ("deleted", "cat"),
        ("inserted", "dog"),
        ("same", "sat down."),
    ]


def test_word_diff_punctuation_change_is_shown_though_it_counts_no_words():
    assert word_diff("Stay calm", "Stay calm.") == [
        ("same", "Stay"),
        ("deleted", "calm"),
        ("inserted", "calm."),
    ]
    assert word_change_counts("Stay calm", "Stay calm.") == (0, 0)


def test_word_diff_insertion_and_deletion():
    assert word_diff("one two three", "one three four") == [
        ("same", "one"),
        ("deleted", "two"),
        ("same", "three"),
        ("inserted", "four"),
    ]


def test_word_diff_identical_texts_are_all_same():
    assert word_diff("a b c", "a b c") == [("same", "a b c")]


def test_word_diff_empty_texts_give_no_runs():
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [("inserted", "new words")]
    assert word_diff("old words", "") == [("deleted", "old words")]


def test_word_change_counts_insert_delete_and_replace():
    assert word_change_counts("a b c", "a x y b c") == (2, 0)
    assert word_change_counts("a b c d", "a d") == (0, 2)
    assert word_change_counts("a b c", "a z c") == (1, 1)
    assert word_change_counts("", "one two three") == (3, 0)
    assert word_change_counts("one two three", "") == (0, 3)
    assert word_change_counts(None, "one") == (1, 0)


# Segments


def test_attributed_segments_keep_the_texts_own_whitespace():
    text = "  Stay calm.\n\nSpeak  slowly.\tGive time. "
    runs = compress(["carer"] * 2 + ["nurse"] * 2 + ["carer"] * 2)

    segments = attributed_segments(text, runs)

    assert "".join(segment for _, segment in segments) == text
    assert segments == [
        (None, "  "),
        ("carer", "Stay calm."),
        (None, "\n\n"),
        ("nurse", "Speak  slowly."),
        (None, "\t"),
        ("carer", "Give time."),
        (None, " "),
    ]


def test_attributed_segments_words_beyond_the_runs_have_no_author():
    segments = attributed_segments("one two three", [["carer", 1]])

    assert segments == [("carer", "one"), (None, " "), (None, "two"), (None, " "), (None, "three")]


def test_attributed_segments_of_empty_text_are_empty():
    assert attributed_segments("", []) == []
    assert attributed_segments("   \n", []) == [(None, "   \n")]


def test_expand_and_compress_round_trip():
    authors = ["a", "a", "b", "a", "c", "c"]

    assert compress(authors) == [["a", 2], ["b", 1], ["a", 1], ["c", 2]]
    assert expand(compress(authors)) == authors
    assert words_by_author(compress(authors)) == {"a": 3, "b": 1, "c": 2}


# Properties

VOCABULARY = ["the", "The", "child", "child,", "calm", "and", "a", "we", "listen", "listen."]
AUTHORS = ["carer", "nurse", "lead"]
SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\t"])


def _join(word_list, draw_spaces):
    """Words joined by drawn whitespace, with drawn whitespace around them too."""
    parts = [draw_spaces()]
    for word in word_list:
        parts.extend([word, draw_spaces()])
    return "".join(parts)


@st.composite
def edit_histories(draw):
    """A first text and a list of (new text, editor): random inserts, deletes and replaces."""
    spaces = lambda: draw(SPACES)  # noqa: E731
    current = draw(st.lists(st.sampled_from(VOCABULARY), max_size=12))
    first = (_join(current, spaces), draw(st.sampled_from(AUTHORS)))
    history = [first]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        operation = draw(st.sampled_from(["insert", "delete", "replace"]))
        start = draw(st.integers(min_value=0, max_value=len(current)))
        end = draw(st.integers(min_value=start, max_value=len(current)))
        fresh = draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5))
        if operation == "insert":
            current = current[:start] + fresh + current[start:]
        elif operation == "delete":
            current = current[:start] + current[end:]
        else:
            current = current[:start] + fresh + current[end:]
        history.append((_join(current, spaces), draw(st.sampled_from(AUTHORS))))
    return history


def _replay(history):
    """(text, runs) after each save of the history, starting from an empty section."""
    text, runs = "", []
    results = []
    for new, editor in history:
        runs = attribute_new_text(text, runs, new, editor)
        text = new
        results.append((text, runs))
    return results


@settings(max_examples=200, deadline=None)
@given(edit_histories())
def test_attribute_new_text_any_history_credits_every_word_exactly_once(history):
    for text, runs in _replay(history):
        assert [word for word, _ in attributed_words(text, runs)] == words(text)
        assert sum(count for _, count in runs) == len(words(text))


@settings(max_examples=200, deadline=None)
@given(edit_histories())
def test_attribute_new_text_any_history_gives_compressed_runs(history):
    for _, runs in _replay(history):
        assert all(count > 0 for _, count in runs)
        assert all(runs[i][0] != runs[i + 1][0] for i in range(len(runs) - 1))
        assert compress(expand(runs)) == runs


@settings(max_examples=200, deadline=None)
@given(edit_histories())
def test_attributed_segments_any_history_rebuild_the_text_exactly(history):
    for text, runs in _replay(history):
        segments = attributed_segments(text, runs)
        assert "".join(segment for _, segment in segments) == text
        credited = [author for author, segment in segments if author is not None]
        assert all(not segment.strip() for author, segment in segments if author is None)
        assert len(credited) == len(runs)


@st.composite
def insertions_only(draw):
    """Original (word, author) pairs, then saves that each insert new, unique words at one or
    more places (a person may add words in several places before saving)."""
    original = draw(
        st.lists(
            # Few different words, so the text repeats itself as real text does.
            st.tuples(st.sampled_from(["a", "the", "The", "calm"]), st.sampled_from(AUTHORS)),
            min_size=1,
            max_size=15,
        )
    )
    saves = []
    length = len(original)
    fresh = 0
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        insertions = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            position = draw(st.integers(min_value=0, max_value=length))
            count = draw(st.integers(min_value=1, max_value=3))
            insertions.append((position, [f"new{fresh + i}" for i in range(count)]))
            fresh += count
            length += count
        saves.append((insertions, draw(st.sampled_from(["editor1", "editor2"]))))
    return original, saves


@settings(max_examples=300, deadline=None)
@given(insertions_only())
@example(
    (
        [("a", "carer"), ("a", "lead"), ("a", "nurse")],
        [([(0, ["new0"]), (2, ["new1"]), (5, ["new2"])], "editor1")],
    )
)
def test_attribute_new_text_words_nobody_changed_keep_their_authors(case):
    original, saves = case
    # (word, author it must have) in text order; original words never change.
    expected = list(original)
    text = " ".join(word for word, _ in expected)
    runs = compress([author for _, author in expected])
    for insertions, editor in saves:
        for position, inserted in insertions:
            expected[position:position] = [(word, editor) for word in inserted]
        new = " ".join(word for word, _ in expected)
        runs = attribute_new_text(text, runs, new, editor)
        text = new

        assert attributed_words(text, runs) == expected


def test_attribute_new_text_insertions_around_repeated_words_keep_their_authors():
    # difflib's longest-block heuristic once matched "a a" to the wrong place here, taking the
    # last "a" from the nurse and giving the first to the editor.
    runs = attribute_new_text(
        "a a a", [["carer", 1], ["lead", 1], ["nurse", 1]], "Y a X a a Z", "E"
    )

    assert runs == [["E", 1], ["carer", 1], ["E", 1], ["lead", 1], ["nurse", 1], ["E", 1]]


# Positions of words, and the opcodes people are shown


def test_word_spans_are_the_positions_of_the_words():
    text = "  Stay **calm**\n\n- and breathe"

    spans = word_spans(text)

    assert [text[start:end] for start, end in spans] == words(text)
    assert spans == [(2, 6), (7, 15), (17, 18), (19, 22), (23, 30)]


def test_shown_word_opcodes_count_a_punctuation_change_but_not_a_normal_form_change():
    nfc = unicodedata.normalize("NFC", "café")
    nfd = unicodedata.normalize("NFD", "café")

    assert shown_word_opcodes(["Stay", "calm"], ["Stay", "calm."]) == [
        ("equal", 0, 1, 0, 1),
        ("replace", 1, 2, 1, 2),
    ]
    assert shown_word_opcodes([nfc], [nfd]) == [("equal", 0, 1, 0, 1)]


def test_without_authors_cuts_only_their_words_and_keeps_the_shape():
    text = "## Heading by one\n\nFirst words mine, then theirs here.\n\n- a list item"
    runs = [[1, 7], [2, 3], [1, 4]]  # up to "mine," is 1's, "then theirs here." 2's

    body, left = without_authors(text, runs, {2})

    assert body == "## Heading by one\n\nFirst words mine,\n\n- a list item"
    assert left == [[1, 11]]


def test_without_authors_drops_a_line_left_empty():
    body, left = without_authors("Kept.\nGone entirely\nKept too.", [[1, 1], [2, 2], [1, 2]], {2})

    assert body == "Kept.\nKept too."
    assert left == [[1, 3]]
