"""Deliveries of a workshop: their sessions and teams, attendees and registers."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workshops.codelivery import organisation_shortfall
from workshops.enums import Action
from workshops.models import Attendee, Delivery, DeliverySession, Membership, Pack, Workshop
from workshops.rules import DELIVER, RUN_DELIVERIES, role_allows

from .contributions import contribution_record
from .permissions import require

DELIVERY_FIELDS = ("title", "place", "is_online", "places_available")
ATTENDEE_FIELDS = Attendee.DETAILS


def _check_pack(workshop: Workshop, pack: Pack | None) -> None:
    if pack is not None and (pack.workshop_id != workshop.pk or not pack.is_ready):
        raise ValidationError({"pack": _("Choose a pack of this workshop that is ready.")})


def _check_team(workshop: Workshop, team: list[Membership], *, accept_shortfall: bool) -> None:
    """Everyone on the team may deliver here, and the team meets the co-delivery rule unless
    the person scheduling it has said they know it does not."""
    for member in team:
        if member.organisation_id != workshop.organisation_id or member.removed_at is not None:
            raise ValidationError({"team": _("Everyone leading must be a member here.")})
        if not role_allows(member.role, DELIVER):
            raise ValidationError(
                {
                    "team": _("%(name)s’s role does not include delivering.")
                    % {"name": member.user.full_name}
                }
            )
    shortfall = organisation_shortfall(workshop.organisation, [m.perspective for m in team])
    if shortfall and not accept_shortfall:
        raise ValidationError({"team": shortfall})


@transaction.atomic
def delivery_create(
    *,
    workshop: Workshop,
    title: str,
    place: str = "",
    is_online: bool = False,
    places_available: int = 12,
    pack: Pack | None = None,
    first_session_at: datetime,
    session_count: int = 1,
    weeks_apart: int = 1,
    minutes: int = 120,
    team: Iterable[Membership] = (),
    accept_shortfall: bool = False,
    actor: Membership,
) -> Delivery:
    """Schedule a delivery with its sessions (``session_count`` of them, ``weeks_apart`` weeks
    apart), each led by ``team`` to begin with."""
    require(actor, RUN_DELIVERIES, workshop)
    team = list(team)
    _check_pack(workshop, pack)
    _check_team(workshop, team, accept_shortfall=accept_shortfall)
    if not 1 <= session_count <= 52:
        raise ValidationError({"session_count": _("A delivery has between 1 and 52 sessions.")})
    if not 1 <= weeks_apart <= 8:
        raise ValidationError({"weeks_apart": _("Sessions are between 1 and 8 weeks apart.")})
    delivery = Delivery.objects.create(
        workshop=workshop,
        title=title,
        place=place,
        is_online=is_online,
        places_available=places_available,
        pack=pack,
    )
    for number in range(session_count):
        session = DeliverySession.objects.create(
            delivery=delivery,
            starts_at=first_session_at + timedelta(weeks=weeks_apart * number),
            minutes=minutes,
        )
        session.team.set(team)
    contribution_record(actor=actor, action=Action.DELIVERY_CREATE, target=delivery)
    return delivery


@transaction.atomic
def delivery_update(
    *, delivery: Delivery, pack: Pack | None, actor: Membership, **fields: object
) -> Delivery:
    require(actor, RUN_DELIVERIES, delivery)
    _check_pack(delivery.workshop, pack)
    for name in DELIVERY_FIELDS:
        setattr(delivery, name, fields[name])
    delivery.pack = pack
    delivery.save()
    contribution_record(actor=actor, action=Action.DELIVERY_EDIT, target=delivery)
    return delivery


@transaction.atomic
def delivery_session_update(
    *,
    session: DeliverySession,
    starts_at: datetime,
    minutes: int,
    team: Iterable[Membership],
    accept_shortfall: bool = False,
    actor: Membership,
) -> DeliverySession:
    """Change a session's time and who leads it; the co-delivery rule is checked again."""
    require(actor, RUN_DELIVERIES, session)
    team = list(team)
    _check_team(session.delivery.workshop, team, accept_shortfall=accept_shortfall)
    session.starts_at, session.minutes = starts_at, minutes
    session.save(update_fields=["starts_at", "minutes"])
    session.team.set(team)
    contribution_record(actor=actor, action=Action.DELIVERY_SESSION_EDIT, target=session)
    return session


@transaction.atomic
def attendee_add(*, delivery: Delivery, actor: Membership, **fields: object) -> Attendee:
    require(actor, RUN_DELIVERIES, delivery)
    attendee = Attendee.objects.create(
        delivery=delivery, **{name: fields[name] for name in ATTENDEE_FIELDS if name in fields}
    )
    contribution_record(actor=actor, action=Action.ATTENDEE_ADD, target=attendee)
    return attendee


@transaction.atomic
def attendee_update(*, attendee: Attendee, actor: Membership, **fields: object) -> Attendee:
    require(actor, RUN_DELIVERIES, attendee)
    for name in ATTENDEE_FIELDS:
        if name in fields:
            setattr(attendee, name, fields[name])
    attendee.save()
    contribution_record(actor=actor, action=Action.ATTENDEE_EDIT, target=attendee)
    return attendee


@transaction.atomic
def attendee_delete(*, attendee: Attendee, actor: Membership) -> None:
    """Delete the attendee and their register marks for good. The log keeps only the id."""
    require(actor, RUN_DELIVERIES, attendee)
    contribution_record(actor=actor, action=Action.ATTENDEE_DELETE, target=attendee)
    attendee.delete()


@transaction.atomic
def register_update(
    *, session: DeliverySession, present: Iterable[Attendee], actor: Membership
) -> DeliverySession:
    """Mark who came to a session: exactly ``present``, from the delivery's attendees."""
    require(actor, RUN_DELIVERIES, session)
    present = [a for a in present if a.delivery_id == session.delivery_id]
    session.attended.set(present)
    contribution_record(actor=actor, action=Action.REGISTER_UPDATE, target=session)
    return session
