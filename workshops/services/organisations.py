"""Making an organisation (the site operator's write, from the command line or the operator
page), and its lead's settings: how it signs off and delivers, and how long it keeps details."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from workshops.enums import Action, OrganisationKind, Perspective, Role
from workshops.models import Invitation, Membership, Organisation, User
from workshops.rules import MANAGE_MEMBERS

from .contributions import contribution_record
from .permissions import require


@transaction.atomic
def organisation_create(
    *,
    name: str,
    lead_email: str,
    lead_name: str,
    lead_perspective: str,
    kind: str = OrganisationKind.OTHER,
    actor: User | None,
) -> Invitation:
    """Make an organisation and the invitation for its first lead; returns the invitation.

    ``actor`` is the Django staff user on the operator page, or None from ``manage.py
    organisation_create``, which only whoever runs the server can use. Nobody in the new
    organisation is a member yet, so nothing is written to its contribution log here: its chain
    starts when the lead accepts and joins (``member.join``), and the invitation names no
    inviter. No email is sent: the operator gives the lead the link (``invitation.link``)
    themselves, as they have been talking already.
    """
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise PermissionDenied
    name, lead_email = " ".join(name.split()), lead_email.strip().lower()
    lead_name = " ".join(lead_name.split())
    _check_lengths(name=name, lead_email=lead_email, lead_name=lead_name)
    _check_lead(email=lead_email, perspective=lead_perspective)
    # Two organisations with one name would be told apart by nobody choosing between them.
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        raise ValidationError(
            {
                "name": _("There is already an organisation called “%(name)s”.")
                % {"name": existing.name}
            }
        )
    organisation = Organisation.objects.create(name=name, kind=kind)
    return Invitation.objects.create(
        organisation=organisation,
        email=lead_email,
        full_name=lead_name,
        role=Role.LEAD,
        perspective=lead_perspective,
        invited_by=None,
    )


def _check_lengths(**values: str) -> None:
    # The page's form refuses the same; the command line has only this.
    columns = {
        "name": Organisation._meta.get_field("name"),
        "lead_email": Invitation._meta.get_field("email"),
        "lead_name": Invitation._meta.get_field("full_name"),
    }
    errors = {}
    for key, value in values.items():
        if not value:
            errors[key] = _("This field is required.")
        elif len(value) > columns[key].max_length:
            errors[key] = _("Keep it to %(limit)d characters or fewer.") % {
                "limit": columns[key].max_length
            }
    if errors:
        raise ValidationError(errors)


def _check_lead(*, email: str, perspective: str) -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"lead_email": _("Enter a valid email address.")}) from None
    if perspective not in Perspective.values:
        raise ValidationError(
            {"lead_perspective": _("Choose family carer or professional for the lead.")}
        )


@transaction.atomic
def organisation_retention_set(
    *,
    organisation: Organisation,
    attendee_retention_days: int | None,
    answer_retention_days: int | None,
    closed_account_retention_days: int | None,
    actor: Membership,
) -> Organisation:
    """A lead sets how long the organisation keeps attendees' details, evaluation answers and
    closed accounts (None: until deleted by hand). The nightly ``retention_apply`` follows them
    from its next run. Logged."""
    require(actor, MANAGE_MEMBERS, organisation)
    organisation.attendee_retention_days = attendee_retention_days
    organisation.answer_retention_days = answer_retention_days
    organisation.closed_account_retention_days = closed_account_retention_days
    # Only these fields: the log's head hash is moved by contribution_record.
    organisation.save(
        update_fields=[
            "attendee_retention_days",
            "answer_retention_days",
            "closed_account_retention_days",
        ]
    )
    contribution_record(actor=actor, action=Action.ORGANISATION_RETENTION, target=organisation)
    return organisation


MOST_PEOPLE_A_RULE_ASKS_FOR = 10


@transaction.atomic
def organisation_working_rules_set(
    *,
    organisation: Organisation,
    family_carer_approvals_needed: int,
    professional_approvals_needed: int,
    delivery_family_carers_needed: int,
    delivery_professionals_needed: int,
    balance_threshold_percent: int,
    actor: Membership,
) -> Organisation:
    """A lead sets how many family carers and professionals must approve a module, how many of
    each must lead every delivery session, and below what share of words the balance warns.
    Each rule asks for at least one of each perspective: co-production needs both. Rounds still
    open are judged by the new numbers from their next decision. Logged."""
    require(actor, MANAGE_MEMBERS, organisation)
    numbers = {
        "family_carer_approvals_needed": family_carer_approvals_needed,
        "professional_approvals_needed": professional_approvals_needed,
        "delivery_family_carers_needed": delivery_family_carers_needed,
        "delivery_professionals_needed": delivery_professionals_needed,
    }
    errors = {
        name: _("Between 1 and %(most)s: both perspectives are needed.")
        % {"most": MOST_PEOPLE_A_RULE_ASKS_FOR}
        for name, value in numbers.items()
        if not 1 <= value <= MOST_PEOPLE_A_RULE_ASKS_FOR
    }
    if not 0 <= balance_threshold_percent <= 50:
        errors["balance_threshold_percent"] = _("Between 0 and 50.")
    if errors:
        raise ValidationError(errors)
    for name, value in {**numbers, "balance_threshold_percent": balance_threshold_percent}.items():
        setattr(organisation, name, value)
    # Only these fields: the log's head hash is moved by contribution_record.
    organisation.save(update_fields=[*numbers, "balance_threshold_percent"])
    contribution_record(actor=actor, action=Action.ORGANISATION_WORKING_RULES, target=organisation)
    return organisation
