"""The permission guard every write passes through (``require``): a write by someone who may not
make it is refused and changes nothing.

The calls are the ones in tests/services/service_table.py, made as another actor.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import MembershipFactory
from tests.services.service_table import SERVICES
from workshops.enums import Role
from workshops.models import (
    ContributionEntry,
    Invitation,
    Membership,
    Module,
    Section,
    SectionRevision,
    Workshop,
)
from workshops.services import members

pytestmark = pytest.mark.django_db


def _fingerprint(world):
    """Everything a refused write might have touched."""
    return {
        "log": ContributionEntry.objects.count(),
        "revisions": SectionRevision.objects.count(),
        "workshops": list(Workshop.objects.order_by("pk").values_list("pk", "title")),
        "modules": list(
            Module.all_objects.order_by("pk").values_list(
                "pk", "title", "position", "planned_minutes", "deleted_at"
            )
        ),
        "sections": list(
            Section.all_objects.order_by("pk").values_list(
                "pk", "title", "body", "position", "version", "deleted_at"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "role", "perspective", "removed_at", "credit_preference"
            )
        ),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "accepted_at")),
    }


# The content and member writes, which the fingerprint covers. invitation_accept has no actor
# (the invitation is the permission), and a credit preference is the person's own choice: neither
# goes through ``require``; see the tests below for them. The live room's write-back runs as the
# room's typists, checked when they connect (tests/live/test_consumers.py).
GUARDED = sorted(
    {name for name in SERVICES if name.split(".")[0] in ("content", "members")}
    - {
        "content.section_live_save",
        "content.section_rewrite",  # its callers check (consent_withdraw, person_erase)
        "members.invitation_accept",
        "members.membership_set_credit_preference",
        "members.password_reset_request",  # anyone may ask; the email goes to the account
    }
)


def _with_actor(world, bad_actor):
    """Every service call made by ``act`` now runs as the bad actor; the targets stay the same."""
    world.actor_override = bad_actor
    return world


@pytest.mark.parametrize("name", GUARDED)
@pytest.mark.parametrize("who", ["other_organisation_lead", "observer", "removed_lead"])
def test_require_refuses_bad_actor_and_nothing_written(world, other_world, name, who):
    act, _ = SERVICES[name].prepare(world)
    if who == "other_organisation_lead":
        bad = other_world.lead
    elif who == "observer":
        bad = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    else:
        bad = MembershipFactory(organisation=world.organisation, role=Role.LEAD)
        Membership.objects.filter(pk=bad.pk).update(removed_at="2025-01-01T00:00Z")
        bad.refresh_from_db()
    _with_actor(world, bad)
    before = _fingerprint(world)

    with pytest.raises(PermissionDenied):
        act()

    assert _fingerprint(world) == before


@pytest.mark.parametrize("role", [Role.CO_TRAINER, Role.EXTERNAL_SUPPORTER])
@pytest.mark.parametrize(
    "name", ["members.invitation_create", "members.membership_update", "members.membership_remove"]
)
def test_member_services_refuse_non_lead(world, role, name):
    act, _ = SERVICES[name].prepare(world)
    _with_actor(world, MembershipFactory(organisation=world.organisation, role=role))
    before = _fingerprint(world)

    with pytest.raises(PermissionDenied):
        act()

    assert _fingerprint(world) == before


def test_credit_preference_refused_for_someone_else(world):
    before = _fingerprint(world)

    with pytest.raises(ValidationError):
        members.membership_set_credit_preference(
            membership=world.co_trainer, credit_preference="anonymous", actor=world.lead
        )

    assert _fingerprint(world) == before


def test_invitation_accept_used_invitation_refused(world):
    members.invitation_accept(
        invitation=world.invitation, full_name="A", first_name="A", password="long-password-1"
    )
    before = _fingerprint(world)

    with pytest.raises(ValidationError):
        members.invitation_accept(
            invitation=world.invitation, full_name="B", first_name="B", password="long-password-2"
        )

    assert _fingerprint(world) == before
