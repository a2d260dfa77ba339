"""A live room's shared document and who wrote what in it. No ORM, no networking.

The document is a pycrdt ``Doc`` with one ``Text`` named "body", the same as the browser's Yjs
document, so updates from any browser merge without losing anyone's words. Every update that
changes the text is credited to the signed-in person whose connection sent it, through the same
word-level attribution the form editor uses.
"""

import json
import re
from dataclasses import dataclass, field

from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_update_message,
    write_var_uint,
)
from pycrdt import read_message as read_payload

from workshops.attribution import attribute_new_text, expand, token_opcodes, words

TEXT_NAME = "body"
# Tokens that put back together give the text exactly: words and the spaces between them.
_TOKENS = re.compile(r"\S+|\s+")


@dataclass
class AuthorCounts:
    words_added: int = 0
    words_removed: int = 0


@dataclass
class LiveRoom:
    section_id: int
    doc: Doc
    base_state: bytes
    base_text: str
    base_version: int
    attribution: list
    # Since the last write-back: who changed the text, and by how much.
    changes: dict = field(default_factory=dict)
    last_author: int | None = None
    # Per word of the text, who typed it since the last write-back (None: it was saved then).
    # Counted against this, a word typed letter by letter is one word added, as in a form save.
    typed: list = field(default_factory=list)

    @classmethod
    def start(cls, *, section_id, state, version, attribution):
        """The room as its last write-back left it: ``state`` is the stored document, whose text
        is the section's text at ``version``, credited as ``attribution`` says."""
        doc = Doc()
        doc.apply_update(state)
        text = str(doc.get(TEXT_NAME, type=Text))
        room = cls(
            section_id=section_id,
            doc=doc,
            base_state=state,
            base_text=text,
            base_version=version,
            attribution=list(attribution),
        )
        room.typed = [[None, len(words(text))]]
        return room

    @property
    def ytext(self):
        return self.doc.get(TEXT_NAME, type=Text)

    @property
    def text(self):
        return str(self.ytext)

    @property
    def is_dirty(self):
        return bool(self.changes)

    def apply_updates(self, updates, author_id) -> bool:
        """Apply updates one person sent, crediting any new words to ``author_id``. True if the
        text changed. Credited once for the whole run, so a word typed letter by letter in
        several updates counts as one word added, as in a form save."""
        before = self.text
        for update in updates:
            self.doc.apply_update(update)
        after = self.text
        if after == before:
            return False
        self._credit(before, after, author_id)
        return True

    def _credit(self, before, after, author_id):
        self.attribution = attribute_new_text(before, self.attribution, after, author_id)
        saved_before = expand(self.typed).count(None)
        self.typed = attribute_new_text(before, self.typed, after, author_id)
        typed = expand(self.typed)
        counts = self.changes.setdefault(author_id, AuthorCounts())
        # Only saved words count as removed: a word typed and changed since was never saved.
        counts.words_removed += saved_before - typed.count(None)
        for author, author_counts in self.changes.items():
            author_counts.words_added = typed.count(author)
        self.last_author = author_id

    def merge_saved_text(self, saved_text, *, author_id, version):
        """Merge text saved outside the room (the form editor) into the live document.

        The edit from the last write-back's text to ``saved_text`` is replayed on a copy of the
        document as it was at that write-back, and the resulting CRDT update is applied to the
        live document: the form's changes and the words typed live since both survive.
        """
        fork = Doc()
        fork.apply_update(self.base_state)
        fork_text = fork.get(TEXT_NAME, type=Text)
        state_before = fork.get_state()
        _replay_edit(fork_text, str(fork_text), saved_text)
        update = fork.get_update(state_before)
        before = self.text
        self.doc.apply_update(update)
        after = self.text
        if after != before:
            self.attribution = attribute_new_text(before, self.attribution, after, author_id)
            self.typed = attribute_new_text(before, self.typed, after, None)
        self.base_text = saved_text
        self.base_version = version
        self.base_state = fork.get_update()
        return update

    def mark_saved(self, *, version):
        """After a write-back: the current text is now the section's text at ``version``."""
        self.base_state = self.doc.get_update()
        self.base_text = self.text
        self.base_version = version
        self.changes = {}
        self.typed = [[None, len(words(self.text))]]


def _replay_edit(ytext, old, new):
    """Edit ``ytext`` (holding ``old``) into ``new`` with word-sized inserts and deletes."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = token_opcodes(old_tokens, new_tokens)
    # From the end backwards, so earlier offsets stay valid. Offsets are UTF-8 bytes (pycrdt).
    old_offsets = [0]
    for token in old_tokens:
        old_offsets.append(old_offsets[-1] + len(token.encode()))
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        start, end = old_offsets[i1], old_offsets[i2]
        if end > start:
            del ytext[start:end]
        inserted = "".join(new_tokens[j1:j2])
        if inserted:
            ytext.insert(start, inserted)


def initial_state(text: str) -> bytes:
    """The document a section's live room starts from, made once and stored (LiveDocument): a
    document made again from the same text would hold the same words as different items, and a
    browser holding the first would then get them twice."""
    doc = Doc()
    doc.get(TEXT_NAME, type=Text).insert(0, text)
    return doc.get_update()


def parse_message(message: bytes):
    """(message type, sync sub-type or None, payload) of a y-websocket frame."""
    kind = message[0]
    if kind == YMessageType.SYNC:
        return kind, message[1], read_payload(message[2:])
    return kind, None, message[1:]


def update_message(update: bytes) -> bytes:
    return create_update_message(update)


def status_message(**event) -> bytes:
    """A message of coprod's own (type STATUS, which y-websocket leaves to the application):
    JSON that tells the browser what the server did, e.g. that the room was saved."""
    payload = json.dumps(event).encode()
    return bytes([STATUS]) + write_var_uint(len(payload)) + payload


SYNC = YMessageType.SYNC
AWARENESS = YMessageType.AWARENESS
STEP1 = YSyncMessageType.SYNC_STEP1
STEP2 = YSyncMessageType.SYNC_STEP2
UPDATE = YSyncMessageType.SYNC_UPDATE
# Message types below 100 are y-websocket's; this one is ours (static/js/live/live-editor.src.js).
STATUS = 100
