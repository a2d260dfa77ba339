"""The scoped view bases every page is built on: each view's permission is enforced (an observer
is refused on every view that changes content or people, and reads every page), and an id too
large for the database answers 404."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from workshops.enums import Role
from workshops.models import ContributionEntry


# Review rounds and packs included, so every view has something to ask for.
@pytest.fixture
def full_world(make_world):
    return make_world(complete=True)


@pytest.fixture
def full_observer(full_world):
    return MembershipFactory(organisation=full_world.organisation, role=Role.OBSERVER)


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


def test_observer_reads_every_read_view(client_for, full_world, full_observer):
    world = full_world
    client = client_for(full_observer)

    statuses = {url: client.get(url).status_code for url in _read_urls(world)}

    assert {url: status for url, status in statuses.items() if status != 200} == {}


# Ids too large for the database


@pytest.mark.parametrize(
    "url",
    [
        "/workshops/99999999999999999999/",
        "/modules/99999999999999999999/",
        "/o/99999999999999999999/",
        "/o/99999999999999999999/members/",
        "/sections/99999999999999999999/history/",
    ],
)
def test_huge_id_in_url_not_found(client_for, world, url):
    client = client_for(world.lead)
    client.raise_request_exception = False

    assert client.get(url).status_code == 404
