"""The role × action table, row by row (the views that enforce it are tested in
tests/views/test_base.py).

The expected values are written out here on purpose, not read from ``PERMISSION_TABLE``: a change
to the table must be a deliberate change to this file too.
"""

import itertools

import pytest

from tests.factories import MembershipFactory, UserFactory
from workshops.enums import Role
from workshops.models import Membership
from workshops.rules import ACTIONS, can

LEAD, CO_TRAINER, OBSERVER, EXTERNAL, STAFF = (
    Role.LEAD,
    Role.CO_TRAINER,
    Role.OBSERVER,
    Role.EXTERNAL_SUPPORTER,
    Role.STAFF,
)


TABLE = [
    (LEAD, "view", True),
    (LEAD, "edit_content", True),
    (LEAD, "manage_members", True),
    (LEAD, "comment", True),
    (LEAD, "sign_off", True),
    (LEAD, "view_log", True),
    (LEAD, "run_deliveries", True),
    (LEAD, "deliver", True),
    (CO_TRAINER, "view", True),
    (CO_TRAINER, "edit_content", True),
    (CO_TRAINER, "manage_members", False),
    (CO_TRAINER, "comment", True),
    (CO_TRAINER, "sign_off", True),
    (CO_TRAINER, "view_log", True),
    (CO_TRAINER, "run_deliveries", True),
    (CO_TRAINER, "deliver", True),
    (EXTERNAL, "view", True),
    (EXTERNAL, "edit_content", True),
    (EXTERNAL, "manage_members", False),
    (EXTERNAL, "comment", True),
    (EXTERNAL, "sign_off", False),
    (EXTERNAL, "view_log", True),
    (EXTERNAL, "run_deliveries", False),
    (EXTERNAL, "deliver", True),
    (OBSERVER, "view", True),
    (OBSERVER, "edit_content", False),
    (OBSERVER, "manage_members", False),
    (OBSERVER, "comment", True),
    (OBSERVER, "sign_off", False),
    (OBSERVER, "view_log", False),
    (OBSERVER, "run_deliveries", False),
    (OBSERVER, "deliver", False),
    # Supports the work from inside without training: reads, comments, logs their own time
    # (tests/services/test_members.py), never writes the material or signs it off.
    (STAFF, "view", True),
    (STAFF, "edit_content", False),
    (STAFF, "manage_members", False),
    (STAFF, "comment", True),
    (STAFF, "sign_off", False),
    (STAFF, "view_log", False),
    (STAFF, "run_deliveries", True),
    (STAFF, "deliver", True),
]


def _objects(world):
    """Every kind of object a permission is checked against; all belong to one organisation."""
    return [world.organisation, world.workshop, world.module, world.section, world.co_trainer]


def test_table_covers_every_role_and_action():
    assert sorted((role, action) for role, action, _ in TABLE) == sorted(
        itertools.product(Role.values, ACTIONS)
    )


@pytest.mark.parametrize("role, action, allowed", TABLE)
def test_role_action_allowed_as_table_says(world, role, action, allowed):
    member = MembershipFactory(organisation=world.organisation, role=role)

    assert [can(member.user, action, obj) for obj in _objects(world)] == [allowed] * 5


@pytest.mark.parametrize("action", ACTIONS)
def test_inactive_user_allowed_nothing(world, action):
    member = MembershipFactory(organisation=world.organisation, role=LEAD)
    member.user.is_active = False
    member.user.save()

    assert [can(member.user, action, obj) for obj in _objects(world)] == [False] * 5


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_removed_membership_allowed_nothing(world, role, action):
    member = MembershipFactory(organisation=world.organisation, role=role)
    Membership.objects.filter(pk=member.pk).update(removed_at="2025-01-01T00:00Z")

    assert [can(member.user, action, obj) for obj in _objects(world)] == [False] * 5


@pytest.mark.parametrize(
    "action, allowed",
    [
        ("view", True),
        ("edit_content", False),
        ("manage_members", False),
        ("comment", True),
        ("sign_off", False),
        ("view_log", False),
    ],
)
def test_superuser_with_observer_role_has_only_observer_rights(world, action, allowed):
    user = UserFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=user, organisation=world.organisation, role=OBSERVER)

    assert [can(user, action, obj) for obj in _objects(world)] == [allowed] * 5


@pytest.mark.parametrize("action", ACTIONS)
def test_superuser_without_membership_allowed_nothing(world, action):
    user = UserFactory(is_superuser=True, is_staff=True)

    assert can(user, action, world.organisation) is False


@pytest.mark.parametrize("action", ACTIONS)
def test_member_of_other_organisation_allowed_nothing_here(world, other_world, action):
    assert [can(other_world.lead.user, action, obj) for obj in _objects(world)] == [False] * 5
