"""The live room's document on its own (workshops/live/rooms.py): no database, no websockets.

Browsers are stood in for by pycrdt docs that sync with the room the way y-websocket does.
pycrdt ``Text`` offsets are UTF-8 byte offsets, so the helpers below convert from characters.
"""

from pycrdt import Doc, Text, create_sync_message, handle_sync_message

from workshops.attribution import attributed_words
from workshops.live.rooms import STEP2, SYNC, TEXT_NAME, LiveRoom, initial_state, parse_message

CARER, PROFESSIONAL, FORM_AUTHOR, ORIGINAL_AUTHOR = 1, 2, 7, 9


def start_room(text, *, version=1):
    words = len(text.split())
    return LiveRoom.start(
        section_id=1,
        state=initial_state(text),
        version=version,
        attribution=[[ORIGINAL_AUTHOR, words]],
    )


class Browser:
    """A Yjs document in one person's browser."""

    def __init__(self, author):
        self.author = author
        self.doc = Doc()

    @property
    def text(self):
        return str(self.doc.get(TEXT_NAME, type=Text))

    def sync_with(self, room):
        """Both sync steps, both ways, as y-websocket does on (re)connecting."""
        # The room's step 1; the browser answers with what the room is missing (step 2).
        server_step1 = create_sync_message(room.doc)
        reply = handle_sync_message(server_step1[1:], self.doc)
        kind, sync_type, payload = parse_message(reply)
        assert (kind, sync_type) == (SYNC, STEP2)
        room.apply_updates([payload], self.author)
        # The browser's step 1; the room answers with what the browser is missing.
        reply = handle_sync_message(create_sync_message(self.doc)[1:], room.doc)
        handle_sync_message(reply[1:], self.doc)

    def insert_after(self, anchor, words):
        """Type ``words`` just after the first ``anchor``; returns the update to send."""
        text = self.doc.get(TEXT_NAME, type=Text)
        before = self.doc.get_state()
        current = str(text)
        at = current.index(anchor) + len(anchor)
        text.insert(len(current[:at].encode()), words)
        return self.doc.get_update(before)

    def receive(self, update):
        self.doc.apply_update(update)

    def catch_up(self, room):
        """What the room has that this browser lacks, as the room would send it."""
        self.receive(room.doc.get_update(self.doc.get_state()))


def test_live_room_concurrent_edits_converge():
    room = start_room("Behaviour is a way of telling us something.")
    carer, professional = Browser(CARER), Browser(PROFESSIONAL)
    carer.sync_with(room)
    professional.sync_with(room)

    # Both type before either has seen the other's words.
    from_carer = carer.insert_after("Behaviour", " often")
    from_professional = professional.insert_after("telling us", " clearly")
    assert room.apply_updates([from_carer], CARER) is True
    assert room.apply_updates([from_professional], PROFESSIONAL) is True
    carer.catch_up(room)
    professional.catch_up(room)

    expected = "Behaviour often is a way of telling us clearly something."
    assert room.text == expected
    assert carer.text == expected
    assert professional.text == expected


def test_live_room_attribution_credits_each_update_to_its_sender():
    room = start_room("Behaviour is a way of telling us something.")
    carer, professional = Browser(CARER), Browser(PROFESSIONAL)
    carer.sync_with(room)
    professional.sync_with(room)

    room.apply_updates([carer.insert_after("Behaviour", " often")], CARER)
    room.apply_updates([professional.insert_after("something", " important to them")], PROFESSIONAL)

    assert attributed_words(room.text, room.attribution) == [
        ("Behaviour", ORIGINAL_AUTHOR),
        ("often", CARER),
        ("is", ORIGINAL_AUTHOR),
        ("a", ORIGINAL_AUTHOR),
        ("way", ORIGINAL_AUTHOR),
        ("of", ORIGINAL_AUTHOR),
        ("telling", ORIGINAL_AUTHOR),
        ("us", ORIGINAL_AUTHOR),
        ("something", ORIGINAL_AUTHOR),
        ("important", PROFESSIONAL),
        ("to", PROFESSIONAL),
        ("them.", PROFESSIONAL),
    ]
    assert {author: (c.words_added, c.words_removed) for author, c in room.changes.items()} == {
        CARER: (1, 0),
        # "something." became "something important to them.": punctuation moves credit nobody.
        PROFESSIONAL: (3, 0),
    }
    assert room.last_author == PROFESSIONAL
    assert room.is_dirty is True


def test_live_room_update_that_changes_nothing_credits_nobody():
    room = start_room("Behaviour is a way of telling us something.")
    carer = Browser(CARER)
    carer.sync_with(room)

    assert room.apply_updates([carer.doc.get_update()], CARER) is False
    assert room.changes == {}
    assert room.is_dirty is False


def test_live_room_merge_saved_text_keeps_form_and_live_edits():
    room = start_room("Mae'r dŵr yn oer 👍 heddiw. Ŵ ŷ.")
    carer = Browser(CARER)
    carer.sync_with(room)
    # Typed live after the emoji: byte offsets, not character offsets, must be right.
    room.apply_updates([carer.insert_after("👍", " ffrindiau")], CARER)
    assert room.text == "Mae'r dŵr yn oer 👍 ffrindiau heddiw. Ŵ ŷ."

    # Meanwhile someone saved the form, starting from the text of the last write-back.
    saved = "Mae'r dŵr yn gynnes 👍 heddiw. Ŵ ŷ ŵ. Diolch 🌈"
    update = room.merge_saved_text(saved, author_id=FORM_AUTHOR, version=2)

    expected = "Mae'r dŵr yn gynnes 👍 ffrindiau heddiw. Ŵ ŷ ŵ. Diolch 🌈"
    assert room.text == expected
    carer.receive(update)
    assert carer.text == expected
    credited = dict(attributed_words(room.text, room.attribution))
    assert credited["gynnes"] == FORM_AUTHOR
    assert credited["ffrindiau"] == CARER
    assert credited["Diolch"] == FORM_AUTHOR
    assert credited["🌈"] == FORM_AUTHOR
    assert credited["dŵr"] == ORIGINAL_AUTHOR
    assert room.base_text == saved
    assert room.base_version == 2
    # The live words still wait to be written back; the form's words are already saved.
    assert set(room.changes) == {CARER}


def test_live_room_merge_saved_text_with_no_live_edits_gives_the_form_text():
    room = start_room("Behaviour is a way of telling us something. 🙂")
    saved = "Behaviour is how a child tells us something. 🙂 ŵ"

    room.merge_saved_text(saved, author_id=FORM_AUTHOR, version=2)

    assert room.text == saved
    assert room.is_dirty is False


def test_live_room_mark_saved_resets_changes_and_moves_the_base():
    room = start_room("Behaviour is a way of telling us something.")
    carer = Browser(CARER)
    carer.sync_with(room)
    room.apply_updates([carer.insert_after("Behaviour", " often")], CARER)
    assert room.is_dirty is True

    room.mark_saved(version=2)

    assert room.changes == {}
    assert room.is_dirty is False
    assert room.base_text == "Behaviour often is a way of telling us something."
    assert room.base_version == 2
    # A form save made from the written-back text now merges without replaying "often" again.
    saved = "Behaviour often is a way of telling us something. ŷ"
    room.merge_saved_text(saved, author_id=FORM_AUTHOR, version=3)
    assert room.text == saved


def _written_back(room, *, version):
    """What a write-back stores: (section text, attribution, document state)."""
    room.mark_saved(version=version)
    return room.text, room.attribution, room.doc.get_update()


def test_live_room_restarted_from_state_does_not_duplicate_a_returning_browser_text():
    first = start_room("Behaviour is a way of telling us something. Ŵ 👍")
    carer = Browser(CARER)
    carer.sync_with(first)
    first.apply_updates([carer.insert_after("Behaviour", " often")], CARER)
    body, attribution, state = _written_back(first, version=2)

    restarted = LiveRoom.start(section_id=1, state=state, version=2, attribution=attribution)
    assert restarted.text == body
    assert restarted.is_dirty is False

    # The browser still holds the old room's document and syncs it on reconnecting.
    carer.sync_with(restarted)

    assert restarted.text == body
    assert carer.text == body
    assert restarted.text.count("often") == 1
    assert restarted.is_dirty is False


def test_live_room_restarted_from_text_alone_would_duplicate():
    """Why the state is stored: a document rebuilt from the text is a different history, and
    a returning browser's document would be added to it rather than recognised."""
    first = start_room("Behaviour is a way of telling us something.")
    carer = Browser(CARER)
    carer.sync_with(first)
    body, attribution, _state = _written_back(first, version=2)

    rebuilt = LiveRoom.start(
        section_id=1, state=initial_state(body), version=2, attribution=attribution
    )
    carer.sync_with(rebuilt)

    assert rebuilt.text.count("Behaviour") == 2


def test_live_room_restarted_merges_offline_edits_of_a_returning_browser():
    first = start_room("Behaviour is a way of telling us something. Ŵ ŷ")
    carer = Browser(CARER)
    carer.sync_with(first)
    body, attribution, state = _written_back(first, version=2)

    # The carer keeps typing with no connection while the room is closed.
    carer.insert_after("Behaviour", " (all-lein 🌙)")
    restarted = LiveRoom.start(section_id=1, state=state, version=2, attribution=attribution)
    professional = Browser(PROFESSIONAL)
    professional.sync_with(restarted)
    restarted.apply_updates([professional.insert_after("something.", " Newydd")], PROFESSIONAL)

    carer.sync_with(restarted)
    professional.sync_with(restarted)

    expected = "Behaviour (all-lein 🌙) is a way of telling us something. Newydd Ŵ ŷ"
    assert restarted.text == expected
    assert carer.text == expected
    assert professional.text == expected
    credited = dict(attributed_words(restarted.text, restarted.attribution))
    assert credited["(all-lein"] == CARER
    assert credited["🌙)"] == CARER
    assert credited["Newydd"] == PROFESSIONAL
    assert credited["Behaviour"] == ORIGINAL_AUTHOR
    assert set(restarted.changes) == {CARER, PROFESSIONAL}


def test_live_room_restarted_behind_a_form_save_merges_it_once():
    first = start_room("Behaviour is a way of telling us something.")
    carer = Browser(CARER)
    carer.sync_with(first)
    body, attribution, state = _written_back(first, version=2)

    # While the room was closed the form editor saved version 3.
    form_body = body + " Gofynnwch ŵ."
    restarted = LiveRoom.start(section_id=1, state=state, version=2, attribution=attribution)
    restarted.merge_saved_text(form_body, author_id=FORM_AUTHOR, version=3)
    assert restarted.text == form_body
    assert restarted.base_version == 3

    carer.sync_with(restarted)

    assert restarted.text == form_body
    assert carer.text == form_body
