"""Deliveries, their sessions and attendees, scoped to the user's organisations."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from workshops.attribution import words_by_author
from workshops.balance import balance_of
from workshops.codelivery import organisation_shortfall
from workshops.enums import PackState
from workshops.models import (
    Attendee,
    Delivery,
    DeliverySession,
    Membership,
    Organisation,
    Pack,
    Section,
    User,
    Workshop,
)
from workshops.rules import DELIVER, role_allows

from .base import get_or_404, workshops_visible
from .evaluation import co_evaluation_record
from .members import memberships_by_id, organisation_members


def delivery_get(*, user: User, pk: object) -> Delivery:
    return get_or_404(
        Delivery.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "pack"
        ),
        pk=pk,
    )


def delivery_session_get(*, user: User, pk: object) -> DeliverySession:
    return get_or_404(
        DeliverySession.objects.filter(
            delivery__workshop__in=workshops_visible(user)
        ).select_related("delivery__workshop__organisation"),
        pk=pk,
    )


def attendee_get(*, user: User, pk: object) -> Attendee:
    return get_or_404(
        Attendee.objects.filter(delivery__workshop__in=workshops_visible(user)).select_related(
            "delivery__workshop__organisation"
        ),
        pk=pk,
    )


def workshop_deliveries(*, workshop: Workshop) -> QuerySet[Delivery]:
    return workshop.deliveries.prefetch_related("sessions").order_by("-created_at", "pk")


def delivery_form_choices(*, workshop: Workshop) -> dict:
    """Who may lead (members whose role includes delivering) and the workshop's ready packs."""
    members = [
        m
        for m in organisation_members(organisation=workshop.organisation)
        if role_allows(m.role, DELIVER)
    ]
    packs = list(
        Pack.objects.filter(workshop=workshop, state=PackState.READY).order_by("-created_at")
    )
    return {"members": members, "packs": packs}


def _team_queryset() -> QuerySet[Membership]:
    return Membership.objects.select_related("user").order_by("user__full_name")


def delivery_page(*, delivery: Delivery) -> dict:
    """The delivery's sessions, each with its team and whether it meets the co-delivery rule,
    and its attendees with their access needs: four queries however many of each."""
    sessions = list(
        delivery.sessions.prefetch_related(
            Prefetch("team", queryset=_team_queryset()), "attended"
        ).order_by("starts_at", "pk")
    )
    organisation = delivery.workshop.organisation
    for session in sessions:
        session.leads = list(session.team.all())
        session.shortfall = organisation_shortfall(
            organisation, [m.perspective for m in session.leads]
        )
        session.present_count = len(session.attended.all())
    attendees = list(delivery.attendees.order_by("name", "pk"))
    return {
        "sessions": sessions,
        "attendees": attendees,
        "co_delivered": sum(1 for s in sessions if not s.shortfall),
        "places_left": max(delivery.places_available - len(attendees), 0),
    }


def register_page(*, session: DeliverySession) -> dict:
    attendees = list(session.delivery.attendees.order_by("name", "pk"))
    present = set(session.attended.values_list("pk", flat=True))
    leads = list(session.team.select_related("user").order_by("user__full_name"))
    return {"attendees": attendees, "present_ids": present, "leads": leads}


def co_production_record(*, organisation: Organisation) -> dict:
    """The organisation's co-production from its own records, in four queries: co-design (the
    share of words in its current sections by perspective) and co-delivery (how many of its
    delivery sessions held so far were led as its co-delivery rule asks), and co-evaluation
    (``co_evaluation_record``)."""
    attributions = Section.objects.filter(
        module__workshop__organisation=organisation, module__deleted_at__isnull=True
    ).values_list("attribution", flat=True)
    words = words_by_author([run for runs in attributions for run in runs])
    perspective_of = {
        pk: m.perspective for pk, m in memberships_by_id(organisation=organisation).items()
    }
    balance = balance_of(words, perspective_of, None, organisation.balance_threshold_percent)
    held = DeliverySession.objects.filter(
        delivery__workshop__organisation=organisation, starts_at__lte=timezone.now()
    ).prefetch_related(Prefetch("team", queryset=Membership.objects.only("perspective")))
    held = list(held)
    co_delivered = sum(
        1
        for session in held
        if not organisation_shortfall(organisation, [m.perspective for m in session.team.all()])
    )
    return {
        "co_design": balance,
        "sessions_held": len(held),
        "sessions_co_delivered": co_delivered,
        "co_evaluation": co_evaluation_record(
            organisation=organisation, perspective_of=perspective_of
        ),
    }


def delivery_session_team_ids(*, session: DeliverySession) -> list[int]:
    return list(session.team.values_list("pk", flat=True))
