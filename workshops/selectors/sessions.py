"""Co-design sessions, their agenda, who is in the room, attendance, and live documents."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from workshops.models import (
    CoDesignSession,
    LiveDocument,
    LiveUpdate,
    Membership,
    Module,
    Section,
    User,
    Workshop,
)
from workshops.rules import can_write_live

from .base import get_or_404, workshops_visible
from .consent import names_kept_out_in
from .members import memberships_by_id, organisation_members


def session_get(*, user: User, pk: object) -> CoDesignSession:
    return get_or_404(
        CoDesignSession.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "facilitator__user"
        ),
        pk=pk,
    )


def live_section_get(*, user: User, session: CoDesignSession, pk: object) -> Section:
    """A section on the session's agenda that the user may see, or 404."""
    return get_or_404(
        Section.objects.filter(
            module__in=session.agenda.all(), module__workshop__in=workshops_visible(user)
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )


def workshop_sessions(*, workshop: Workshop) -> QuerySet[CoDesignSession]:
    return workshop.sessions.select_related("facilitator__user").order_by("-starts_at")


def session_form_choices(*, workshop: Workshop) -> dict:
    """What a session can be scheduled with: the workshop's modules in order, and the
    organisation's members as facilitators."""
    return {
        "modules": list(workshop.modules.order_by("position")),
        "members": list(organisation_members(organisation=workshop.organisation)),
    }


def session_agenda_sections(*, session: CoDesignSession) -> list[Module]:
    """The agenda's modules in order, each with its sections, in two queries."""
    modules = list(session.agenda.order_by("position", "pk"))
    sections = Section.objects.filter(module__in=modules).order_by("position", "pk")
    by_module = {}
    for section in sections:
        by_module.setdefault(section.module_id, []).append(section)
    for module in modules:
        module.live_sections = by_module.get(module.pk, [])
    return modules


def session_present(*, session: CoDesignSession) -> list[Membership]:
    """Who is in the live room now (an open stay), once each."""
    stays = session.attendance.filter(left_at__isnull=True).select_related("membership__user")
    return list({stay.membership_id: stay.membership for stay in stays}.values())


def _merged_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    """The time covered by intervals sorted by start, counting overlaps once."""
    total, current_start, current_end = 0.0, None, None
    for start, end in intervals:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total


def attendance_minutes(*, session: CoDesignSession, now: datetime | None = None) -> dict[int, int]:
    """Minutes each person spent in the session's rooms, counting overlapping stays once."""
    now = now or timezone.now()
    stays = {}
    for stay in session.attendance.order_by("joined_at"):
        stays.setdefault(stay.membership_id, []).append((stay.joined_at, stay.left_at or now))
    return {
        membership_id: round(_merged_seconds(intervals) / 60)
        for membership_id, intervals in stays.items()
    }


def session_page(*, session: CoDesignSession, membership: Membership) -> dict:
    """The session page: its agenda, who is in the room, each person's attendance (and whether
    they confirmed it as time), and the viewer's own minutes."""
    minutes = attendance_minutes(session=session)
    members = memberships_by_id(organisation=session.workshop.organisation)
    confirmed = set(session.time_entries.values_list("membership_id", flat=True))
    attended = sorted(
        (pk for pk in minutes if pk in members), key=lambda pk: members[pk].user.full_name
    )
    return {
        "agenda": session_agenda_sections(session=session),
        "present": session_present(session=session),
        "attendance": [
            {"member": members[pk], "minutes": minutes[pk], "confirmed": pk in confirmed}
            for pk in attended
        ],
        "my_minutes": minutes.get(membership.pk),
        "my_time_confirmed": membership.pk in confirmed,
        # An evaluation meeting: the actions agreed here from attendees' answers.
        "feedback_actions": list(
            session.feedback_actions.select_related("module", "delivery").order_by("pk")
        ),
    }


def live_section_page(*, user: User, session: CoDesignSession, pk: object) -> dict:
    """The live editor's page for one agenda section (404 off the agenda): the section, whether
    the user may type in it now, who is in the room, and the names its story's consent asks to
    keep out that the text holds now."""
    section = live_section_get(user=user, session=session, pk=pk)
    return {
        "section": section,
        "names_kept_out": names_kept_out_in(section=section, text=section.body),
        "module": section.module,
        "can_write": can_write_live(user, session, section),
        "present": session_present(session=session),
    }


def live_document_updates(*, section_id: int) -> list[bytes]:
    """Everything a process needs to hold a copy of the section's live document: the stored
    updates and the document itself, as CRDT updates to apply in any order.

    The log is read before the document: a write-back that lands in between has already put
    what it deletes from the log into the document, so nothing is missed either way.
    """
    logged = [
        bytes(update)
        for update in LiveUpdate.objects.filter(section_id=section_id).values_list(
            "update", flat=True
        )
    ]
    state = LiveDocument.objects.filter(section_id=section_id).values_list("state", flat=True)
    return [bytes(state) for state in state[:1]] + logged
