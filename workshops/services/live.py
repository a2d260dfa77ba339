"""The live rooms' durable state: the document made once, the update log, and the write-back.

Every server process holding a copy of a room works from these rows, so the app may run as
several processes and any of them may be killed: what a browser sent is in the log before anyone
else receives it, and one write-back at a time (whoever holds the document row's lock) folds
the log into the document and saves the text as a section version.
"""

import logging
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from django.db import transaction

from workshops.live.rooms import LiveRoom, initial_state
from workshops.models import LiveDocument, LiveUpdate, Section, SectionRevision
from workshops.selectors.consent import names_kept_out_in

from .content import section_live_save

logger = logging.getLogger(__name__)


@dataclass
class LiveWriteBack:
    """What a write-back did, for the room's browsers."""

    version: int  # the section version the document now stands at
    saved: bool  # a new version was written from live typing
    merged: list = field(default_factory=list)  # CRDT updates made here (a form save merged in)
    # Names the story's consent asks to keep out that the saved text holds: live typing is
    # saved all the same (nothing typed is lost), and the room is warned beside the editor.
    names_kept_out: list = field(default_factory=list)


def live_document_open(*, section_id: int) -> None:
    """Make the section's live document the first time its room opens; after that, nothing.

    Not a contribution: the document holds the section's text as it already is. Made under the
    section's row lock, so two processes opening the room at once make one document, not two.
    """
    if LiveDocument.objects.filter(section_id=section_id).exists():
        return
    with transaction.atomic():
        section = Section.all_objects.select_for_update().get(pk=section_id)
        LiveDocument.objects.get_or_create(
            section=section,
            defaults={"state": initial_state(section.body), "base_version": section.version},
        )


def live_updates_append(*, updates: list[tuple[int, int, bytes]]) -> None:
    """Store updates browsers sent, (section id, author's membership id, update) each, in one
    statement, before any of them is applied or passed on.

    Not a contribution yet: the words they hold are logged when a write-back saves them.
    """
    LiveUpdate.objects.bulk_create(
        LiveUpdate(section_id=section_id, author_id=author_id, update=update)
        for section_id, author_id, update in updates
    )


def _author_of_version(section: Section) -> int | None:
    return (
        SectionRevision.objects.filter(section=section, version=section.version)
        .values_list("author_id", flat=True)
        .first()
    )


def _room_at_base(document: LiveDocument, section: Section) -> LiveRoom:
    if section.version == document.base_version:
        attribution = section.attribution
    else:
        attribution = (
            SectionRevision.objects.filter(section=section, version=document.base_version)
            .values_list("attribution", flat=True)
            .first()
        ) or []
    return LiveRoom.start(
        section_id=section.pk,
        state=bytes(document.state),
        version=document.base_version,
        attribution=attribution,
    )


def live_write_back(*, section_id: int) -> LiveWriteBack | None:
    """Fold the section's stored updates into its live document and save the text.

    The updates are applied in the order they were stored, each run of one person's updates
    credited to them; a section saved outside the room since (the form, a restore) is merged in
    once, here, and its merge update returned for the browsers. The live text is saved as the
    next section version (``section_live_save`` logs who typed what), the document stored, and
    the updates applied are deleted: the log is compacted into the document.

    Returns None at once when another write-back holds the document (on this or another
    process): that one does the work.
    """
    with transaction.atomic():
        document = (
            LiveDocument.objects.select_for_update(skip_locked=True)
            .filter(section_id=section_id)
            .first()
        )
        if document is None:
            return None
        # Locked too, so no form save lands between the merge below and the save.
        section = Section.all_objects.select_for_update().get(pk=section_id)
        entries = list(
            LiveUpdate.objects.filter(section_id=section_id).values_list(
                "pk", "author_id", "update"
            )
        )
        room = _room_at_base(document, section)
        for author_id, run in groupby(entries, key=itemgetter(1)):
            try:
                room.apply_updates([bytes(update) for _pk, _author, update in run], author_id)
            except ValueError:  # checked before it was stored; never let one block the rest
                logger.exception("A stored live update of section %s would not apply", section_id)
        result = LiveWriteBack(version=section.version, saved=False)
        if section.version != room.base_version:
            result.merged.append(
                room.merge_saved_text(
                    section.body, author_id=_author_of_version(section), version=section.version
                )
            )
        if room.is_dirty:
            saved = section_live_save(
                section_id=section_id,
                base_version=room.base_version,
                body=room.text,
                attribution=room.attribution,
                changes=room.changes,
                author_id=room.last_author,
            )
            room.mark_saved(version=saved.version)
            result.version, result.saved = saved.version, True
            result.names_kept_out = names_kept_out_in(section=saved, text=room.text)
        document.state = room.doc.get_update()
        document.base_version = room.base_version
        document.save(update_fields=["state", "base_version", "updated_at"])
        LiveUpdate.objects.filter(pk__in=[pk for pk, _author, _update in entries]).delete()
    return result
