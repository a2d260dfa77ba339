"""Co-design sessions, their agenda, who is in the room, and attendance."""

from django.utils import timezone

from workshops.models import (
    CoDesignSession,
    Section,
)

from .base import get_or_404
from .content import workshops_visible


def session_get(*, user, pk):
    return get_or_404(
        CoDesignSession.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "facilitator__user"
        ),
        pk=pk,
    )


def live_section_get(*, user, session, pk):
    """A section on the session's agenda that the user may see, or 404."""
    return get_or_404(
        Section.objects.filter(
            module__in=session.agenda.all(), module__workshop__in=workshops_visible(user)
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )


def workshop_sessions(*, workshop):
    return workshop.sessions.select_related("facilitator__user").order_by("-starts_at")


def session_agenda_sections(*, session):
    """The agenda's modules in order, each with its sections, in two queries."""
    modules = list(session.agenda.order_by("position", "pk"))
    sections = Section.objects.filter(module__in=modules).order_by("position", "pk")
    by_module = {}
    for section in sections:
        by_module.setdefault(section.module_id, []).append(section)
    for module in modules:
        module.live_sections = by_module.get(module.pk, [])
    return modules


def session_present(*, session):
    """Who is in the live room now (an open stay), once each."""
    stays = session.attendance.filter(left_at__isnull=True).select_related("membership__user")
    return list({stay.membership_id: stay.membership for stay in stays}.values())


def attendance_minutes(*, session, now=None):
    """Minutes each person spent in the session's rooms, counting overlapping stays once."""
    now = now or timezone.now()
    stays = {}
    for stay in session.attendance.order_by("joined_at"):
        stays.setdefault(stay.membership_id, []).append((stay.joined_at, stay.left_at or now))
    minutes = {}
    for membership_id, intervals in stays.items():
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
        minutes[membership_id] = round(total / 60)
    return minutes
