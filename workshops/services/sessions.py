"""Co-design sessions, attendance, live write-back of sections, and time records."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action
from workshops.live.groups import announce_session_ended
from workshops.models import (
    Attendance,
    CoDesignSession,
    LiveDocument,
    Membership,
    Section,
    TimeEntry,
)
from workshops.rules import EDIT_CONTENT, MANAGE_MEMBERS, VIEW

# A private helper of the section services, shared so a live save writes versions the same way.
from .content import SectionConflict, _write_section_version
from .contributions import contribution_record
from .permissions import require


def _session_log(*, actor, action, session, target=None):
    contribution_record(
        actor=actor, action=action, target=target or session, workshop_id=session.workshop_id
    )


@transaction.atomic
def session_create(*, workshop, title, starts_at, agenda, facilitator, actor):
    require(actor, EDIT_CONTENT, workshop.organisation_id)
    if facilitator.organisation_id != workshop.organisation_id:
        raise ValidationError({"facilitator": _("The facilitator must be a member here.")})
    session = CoDesignSession.objects.create(
        workshop=workshop, title=title, starts_at=starts_at, facilitator=facilitator
    )
    session.agenda.set([m for m in agenda if m.workshop_id == workshop.pk])
    _session_log(actor=actor, action=Action.SESSION_CREATE, session=session)
    return session


@transaction.atomic
def session_record_update(*, session, notes, decisions, actions, actor):
    """Save the notes, decisions and actions captured in the session."""
    require(actor, EDIT_CONTENT, session.workshop.organisation_id)
    session.notes, session.decisions, session.actions = notes, decisions, actions
    session.save(update_fields=["notes", "decisions", "actions"])
    _session_log(actor=actor, action=Action.SESSION_EDIT, session=session)
    return session


@transaction.atomic
def session_end(*, session, actor):
    """End the session: the live rooms close for writing and open stays are closed."""
    require(actor, EDIT_CONTENT, session.workshop.organisation_id)
    session = CoDesignSession.objects.select_for_update().get(pk=session.pk)
    if session.ended_at is not None:
        return session
    now = timezone.now()
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    session.attendance.filter(left_at__isnull=True).update(left_at=now)
    _session_log(actor=actor, action=Action.SESSION_END, session=session)
    transaction.on_commit(lambda: announce_session_ended(session.pk))
    return session


@transaction.atomic
def attendance_join(*, session, membership):
    """Record that a person joined the session's live room. Logged as attendance."""
    require(membership, VIEW, session.workshop.organisation_id)
    attendance = Attendance.objects.create(
        session=session, membership=membership, joined_at=timezone.now()
    )
    _session_log(actor=membership, action=Action.SESSION_ATTEND, session=session, target=attendance)
    return attendance


def attendance_leave(*, attendance_id):
    """Close a stay. Not a contribution of its own: the join was logged."""
    Attendance.objects.filter(pk=attendance_id, left_at__isnull=True).update(left_at=timezone.now())


@transaction.atomic
def section_live_save(*, section_id, base_version, body, attribution, changes, author_id):
    """Write a live room's text back as the section's next version.

    ``changes`` maps each membership id that typed since the last write-back to its words
    added and removed: each gets a ``section.live_edit`` log entry; the revision is credited to
    ``author_id`` and keeps the word-level attribution, so history and balance cover live work.
    Raises SectionConflict, writing nothing, if the section was saved elsewhere since
    ``base_version``; the room then merges that text and tries again.
    """
    # all_objects: words typed live are saved even if someone deleted the section meanwhile.
    section = Section.all_objects.select_for_update().select_related("module").get(pk=section_id)
    if section.version != base_version:
        raise SectionConflict(section)
    authors = Membership.objects.in_bulk([author_id, *changes])
    author = authors.get(author_id)
    if author is None or author.organisation_id != section.module.workshop.organisation_id:
        raise PermissionDenied
    _write_section_version(current=section, body=body, attribution=attribution, author=author)
    for membership_id, counts in changes.items():
        membership = authors.get(membership_id)
        if membership is None:
            continue
        contribution_record(
            actor=membership,
            action=Action.SECTION_LIVE_EDIT,
            target=section,
            workshop_id=section.module.workshop_id,
            module_id=section.module_id,
            words_added=counts.words_added,
            words_removed=counts.words_removed,
        )
    return section


def live_document_store(*, section_id, state, base_state, base_version):
    """Keep a room's CRDT state, so it can start again where it stopped. Not a contribution:
    the text it holds is logged when it is written back as a revision."""
    LiveDocument.objects.update_or_create(
        section_id=section_id,
        defaults={"state": state, "base_state": base_state, "base_version": base_version},
    )


@transaction.atomic
def time_entry_create(
    *, membership, date, minutes, activity, payment, note="", session=None, actor
):
    """A member records their own time (a lead may record it for them)."""
    if actor.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if actor.pk != membership.pk:
        require(actor, MANAGE_MEMBERS, membership.organisation_id)
    else:
        require(actor, VIEW, membership.organisation_id)
    if (
        session is not None
        and TimeEntry.objects.filter(membership=membership, session=session).exists()
    ):
        raise ValidationError(_("Time for this session has already been confirmed."))
    entry = TimeEntry.objects.create(
        membership=membership,
        date=date,
        minutes=minutes,
        activity=activity,
        payment=payment,
        note=note,
        session=session,
    )
    contribution_record(actor=actor, action=Action.TIME_LOG, target=entry)
    return entry
