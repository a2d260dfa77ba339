"""Co-design sessions and attendance."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action
from workshops.live.groups import live_access_changed
from workshops.models import (
    Attendance,
    CoDesignSession,
    Membership,
    Module,
    Workshop,
)
from workshops.rules import EDIT_CONTENT, VIEW

from .contributions import contribution_record
from .permissions import require


@transaction.atomic
def session_create(
    *,
    workshop: Workshop,
    title: str,
    starts_at: datetime,
    agenda: Iterable[Module],
    facilitator: Membership,
    actor: Membership,
) -> CoDesignSession:
    require(actor, EDIT_CONTENT, workshop)
    if facilitator.organisation_id != workshop.organisation_id:
        raise ValidationError({"facilitator": _("The facilitator must be a member here.")})
    session = CoDesignSession.objects.create(
        workshop=workshop, title=title, starts_at=starts_at, facilitator=facilitator
    )
    session.agenda.set([m for m in agenda if m.workshop_id == workshop.pk])
    contribution_record(actor=actor, action=Action.SESSION_CREATE, target=session)
    return session


@transaction.atomic
def session_record_update(
    *, session: CoDesignSession, notes: str, decisions: str, actions: str, actor: Membership
) -> CoDesignSession:
    """Save the notes, decisions and actions captured in the session."""
    require(actor, EDIT_CONTENT, session)
    session.notes, session.decisions, session.actions = notes, decisions, actions
    session.save(update_fields=["notes", "decisions", "actions"])
    contribution_record(actor=actor, action=Action.SESSION_EDIT, target=session)
    return session


@transaction.atomic
def session_end(*, session: CoDesignSession, actor: Membership) -> CoDesignSession:
    """End the session: the live rooms close for writing and open stays are closed."""
    require(actor, EDIT_CONTENT, session)
    session = CoDesignSession.objects.select_for_update().get(pk=session.pk)
    if session.ended_at is not None:
        return session
    now = timezone.now()
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    session.attendance.filter(left_at__isnull=True).update(left_at=now)
    contribution_record(actor=actor, action=Action.SESSION_END, target=session)
    transaction.on_commit(lambda: live_access_changed(session_id=session.pk))
    return session


@transaction.atomic
def attendance_join(*, session: CoDesignSession, membership: Membership) -> Attendance:
    """Record that a person joined the session's live room. Logged as attendance."""
    require(membership, VIEW, session)
    attendance = Attendance.objects.create(
        session=session, membership=membership, joined_at=timezone.now()
    )
    contribution_record(actor=membership, action=Action.SESSION_ATTEND, target=attendance)
    return attendance


def attendance_leave(*, attendance_id: int) -> None:
    """Close a stay. Not a contribution of its own: the join was logged."""
    Attendance.objects.filter(pk=attendance_id, left_at__isnull=True).update(left_at=timezone.now())
