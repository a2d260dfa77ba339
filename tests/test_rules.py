"""The role × action table, row by row, and the views that enforce it.

The expected values are written out here on purpose, not read from ``PERMISSION_TABLE``: a change
to the table must be a deliberate change to this file too.
"""

import itertools

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from tests.helpers import page_heading
from workshops.enums import Role
from workshops.models import ContributionEntry, Membership
from workshops.rules import ACTIONS, can

LEAD, CO_TRAINER, OBSERVER, EXTERNAL = (
    Role.LEAD,
    Role.CO_TRAINER,
    Role.OBSERVER,
    Role.EXTERNAL_SUPPORTER,
)


# Review rounds and packs included, so every view has something to ask for.
@pytest.fixture
def full_world(make_world):
    return make_world(complete=True)


@pytest.fixture
def full_observer(full_world):
    return MembershipFactory(organisation=full_world.organisation, role=Role.OBSERVER)


TABLE = [
    (LEAD, "view", True),
    (LEAD, "edit_content", True),
    (LEAD, "manage_members", True),
    (LEAD, "comment", True),
    (LEAD, "sign_off", True),
    (LEAD, "view_log", True),
    (CO_TRAINER, "view", True),
    (CO_TRAINER, "edit_content", True),
    (CO_TRAINER, "manage_members", False),
    (CO_TRAINER, "comment", True),
    (CO_TRAINER, "sign_off", True),
    (CO_TRAINER, "view_log", True),
    (EXTERNAL, "view", True),
    (EXTERNAL, "edit_content", True),
    (EXTERNAL, "manage_members", False),
    (EXTERNAL, "comment", True),
    (EXTERNAL, "sign_off", False),
    (EXTERNAL, "view_log", True),
    (OBSERVER, "view", True),
    (OBSERVER, "edit_content", False),
    (OBSERVER, "manage_members", False),
    (OBSERVER, "comment", True),
    (OBSERVER, "sign_off", False),
    (OBSERVER, "view_log", False),
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


# Views that change content or people: an observer is refused with 403, for GET and POST.
def _refused_urls(world):
    org, w, m, s = world.organisation.pk, world.workshop.pk, world.module.pk, world.section.pk
    member = world.co_trainer.pk
    return [
        ("GET", reverse("workshop_create", kwargs={"org_id": org}), {}),
        ("POST", reverse("workshop_create", kwargs={"org_id": org}), {"title": "New"}),
        ("GET", reverse("workshop_edit", kwargs={"pk": w}), {}),
        ("POST", reverse("workshop_edit", kwargs={"pk": w}), {"title": "Changed"}),
        ("GET", reverse("module_create", kwargs={"pk": w}), {}),
        ("POST", reverse("module_create", kwargs={"pk": w}), {"title": "M", "planned_minutes": 5}),
        ("GET", reverse("module_edit", kwargs={"pk": m}), {}),
        ("POST", reverse("module_edit", kwargs={"pk": m}), {"title": "M", "planned_minutes": 5}),
        ("GET", reverse("module_delete", kwargs={"pk": m}), {}),
        ("POST", reverse("module_delete", kwargs={"pk": m}), {}),
        ("POST", reverse("module_move", kwargs={"pk": m}), {"direction": "down"}),
        ("GET", reverse("section_create", kwargs={"pk": m}), {}),
        (
            "POST",
            reverse("section_create", kwargs={"pk": m}),
            {"title": "S", "kind": "activity", "audience": "everyone", "body": "x"},
        ),
        ("GET", reverse("section_edit", kwargs={"pk": s}), {}),
        (
            "POST",
            reverse("section_edit", kwargs={"pk": s}),
            {
                "title": "S",
                "kind": "activity",
                "audience": "everyone",
                "body": "x",
                "based_on_version": 1,
            },
        ),
        ("GET", reverse("section_delete", kwargs={"pk": s}), {}),
        ("POST", reverse("section_delete", kwargs={"pk": s}), {}),
        ("POST", reverse("section_move", kwargs={"pk": s}), {"direction": "up"}),
        ("GET", reverse("section_restore", kwargs={"pk": s, "version": 1}), {}),
        (
            "POST",
            reverse("section_restore", kwargs={"pk": s, "version": 1}),
            {"based_on_version": 1},
        ),
        ("POST", reverse("section_undelete", kwargs={"pk": world.deleted_section.pk}), {}),
        ("GET", reverse("member_invite", kwargs={"org_id": org}), {}),
        (
            "POST",
            reverse("member_invite", kwargs={"org_id": org}),
            {"email": "new@example.org", "role": "lead", "perspective": "professional"},
        ),
        ("GET", reverse("member_edit", kwargs={"org_id": org, "pk": member}), {}),
        (
            "POST",
            reverse("member_edit", kwargs={"org_id": org, "pk": member}),
            {"role": "observer", "perspective": "professional"},
        ),
        ("GET", reverse("member_remove", kwargs={"org_id": org, "pk": member}), {}),
        ("POST", reverse("member_remove", kwargs={"org_id": org, "pk": member}), {}),
        ("GET", reverse("review_round_open", kwargs={"pk": m}), {}),
        (
            "POST",
            reverse("review_round_open", kwargs={"pk": m}),
            {"reviewers": [world.co_trainer.pk]},
        ),
        ("POST", reverse("review_withdraw", kwargs={"pk": world.review_round.pk}), {}),
        ("POST", reverse("session_record", kwargs={"pk": world.session.pk}), {"notes": "x"}),
        ("POST", reverse("session_end", kwargs={"pk": world.session.pk}), {}),
        (
            "POST",
            reverse("review_decide", kwargs={"pk": world.review_round.pk}),
            {"kind": "approve", "content_hash": world.review_round.version.content_hash},
        ),
    ]


def _read_urls(world):
    org = world.organisation.pk
    return [
        reverse("workshop_list", kwargs={"org_id": org}),
        reverse("workshop_detail", kwargs={"pk": world.workshop.pk}),
        reverse("module_detail", kwargs={"pk": world.module.pk}),
        reverse("deleted_sections", kwargs={"pk": world.module.pk}),
        reverse("section_history", kwargs={"pk": world.section.pk}),
        reverse("section_authors", kwargs={"pk": world.section.pk}),
        reverse("member_list", kwargs={"org_id": org}),
        reverse("credit_preference", kwargs={"org_id": org}),
        reverse("module_rounds", kwargs={"pk": world.module.pk}),
        reverse("review_round_detail", kwargs={"pk": world.review_round.pk}),
        reverse("workshop_packs", kwargs={"pk": world.workshop.pk}),
        reverse("pack_detail", kwargs={"pk": world.pack.pk}),
        reverse("workshop_sessions", kwargs={"pk": world.workshop.pk}),
        reverse("session_detail", kwargs={"pk": world.session.pk}),
        reverse("live_section", kwargs={"pk": world.session.pk, "section_id": world.section.pk}),
    ]


def _state(world):
    world.session.refresh_from_db()
    world.section.refresh_from_db()
    world.module.refresh_from_db()
    world.co_trainer.refresh_from_db()
    return (
        ContributionEntry.objects.count(),
        world.section.version,
        world.section.deleted_at,
        world.module.deleted_at,
        world.module.title,
        world.co_trainer.role,
        world.co_trainer.removed_at,
        world.organisation.invitations.count(),
        world.review_round.status,
        world.review_round.decisions.count(),
        world.review_round.number,
        world.session.notes,
        world.session.ended_at,
    )


def test_observer_refused_on_every_write_view(client_for, full_world, full_observer):
    world = full_world
    world.review_round.refresh_from_db()
    client = client_for(full_observer)
    before = _state(world)

    statuses = {
        (method, url): (client.post(url, data) if method == "POST" else client.get(url)).status_code
        for method, url, data in _refused_urls(world)
    }

    assert {key: status for key, status in statuses.items() if status != 403} == {}
    assert _state(world) == before


def test_observer_refusal_page_says_so(client_for, world, observer):
    response = client_for(observer).get(reverse("workshop_edit", kwargs={"pk": world.workshop.pk}))

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert page_heading(response) == "You can't do that here"


def test_observer_reads_every_read_view(client_for, full_world, full_observer):
    world = full_world
    client = client_for(full_observer)

    statuses = {url: client.get(url).status_code for url in _read_urls(world)}

    assert {url: status for url, status in statuses.items() if status != 200} == {}


def test_observer_page_offers_no_edit_buttons(client_for, world, observer):
    response = client_for(observer).get(reverse("module_detail", kwargs={"pk": world.module.pk}))

    assert response.context["can_edit"] is False
    assert reverse("section_edit", kwargs={"pk": world.section.pk}) not in response.content.decode()


@pytest.mark.parametrize("role", [CO_TRAINER, EXTERNAL])
def test_non_lead_refused_on_member_management(client_for, world, role):
    client = client_for(MembershipFactory(organisation=world.organisation, role=role))
    org, member = world.organisation.pk, world.co_trainer.pk
    urls = [
        reverse("member_invite", kwargs={"org_id": org}),
        reverse("member_edit", kwargs={"org_id": org, "pk": member}),
        reverse("member_remove", kwargs={"org_id": org, "pk": member}),
    ]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert [client.post(url).status_code for url in urls] == [403, 403, 403]


@pytest.mark.parametrize(
    "role, status", [(LEAD, 200), (CO_TRAINER, 200), (EXTERNAL, 200), (OBSERVER, 403)]
)
def test_contribution_log_follows_view_log_permission(client_for, world, role, status):
    member = (
        world.lead
        if role == LEAD
        else MembershipFactory(organisation=world.organisation, role=role)
    )

    response = client_for(member).get(
        reverse("contribution_log", kwargs={"org_id": world.organisation.pk})
    )

    assert response.status_code == status
