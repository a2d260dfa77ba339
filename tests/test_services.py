"""The write services: one log entry each, moves, soft deletes, the permission guard, and the
error pages a person sees.

``WRITES`` has one call for every public function of ``workshops.services.content`` and
``workshops.services.members`` with the log entry it must write; a new service without an entry
fails ``test_every_write_service_is_in_the_table``.
"""

import inspect
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory
from tests.helpers import page_heading
from tests.urls_with_error import FAILURE_DETAIL
from workshops.enums import Action, CreditPreference, Perspective, Role
from workshops.models import (
    ContributionEntry,
    Invitation,
    Membership,
    Module,
    Organisation,
    Section,
    SectionRevision,
    Workshop,
)
from workshops.selectors.content import (
    module_get,
    module_sections,
    section_get,
    workshop_list,
    workshop_modules,
)
from workshops.services import content, members

BODY = "Behaviour is a way of **telling us** something."  # 8 words, the factory's default


@dataclass(frozen=True)
class Write:
    """``prepare(world)`` does any setup and returns (act, expected): ``act()`` calls the service
    once; ``expected(result)`` is the log entry it must write, as a dict of fields."""

    prepare: Any


def _entry(action, actor, target, *, workshop=None, module=None, added=0, removed=0):
    return {
        "action": str(action),
        "membership_id": actor.pk,
        "organisation_id": actor.organisation_id,
        "perspective": actor.perspective,
        "target": (target._meta.model_name, target.pk),
        "workshop_id": workshop.pk if workshop else None,
        "module_id": module.pk if module else None,
        "words_added": added,
        "words_removed": removed,
    }


def _as_dict(entry):
    return {
        "action": entry.action,
        "membership_id": entry.membership_id,
        "organisation_id": entry.organisation_id,
        "perspective": entry.perspective,
        "target": (entry.target_type, entry.target_id),
        "workshop_id": entry.workshop_id,
        "module_id": entry.module_id,
        "words_added": entry.words_added,
        "words_removed": entry.words_removed,
    }


def _by(w, member):
    """Who the service is called as: the member, unless a test swapped in another actor."""
    return getattr(w, "actor_override", None) or member


def _workshop_create(w):
    def act():
        return content.workshop_create(
            organisation=w.organisation, title="Calm days", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: _entry(Action.WORKSHOP_CREATE, w.co_trainer, r, workshop=r)


def _workshop_update(w):
    def act():
        return content.workshop_update(
            workshop=w.workshop,
            title="Renamed",
            audience="Carers",
            description="",
            actor=_by(w, w.lead),
        )

    return act, lambda r: _entry(Action.WORKSHOP_EDIT, w.lead, r, workshop=r)


def _module_create(w):
    def act():
        return content.module_create(
            workshop=w.workshop, title="Triggers", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: _entry(
        Action.MODULE_CREATE, w.co_trainer, r, workshop=w.workshop, module=r
    )


def _module_update(w):
    def act():
        return content.module_update(
            module=w.module,
            title="New",
            learning_outcomes="",
            planned_minutes=45,
            actor=_by(w, w.lead),
        )

    return act, lambda r: _entry(Action.MODULE_EDIT, w.lead, r, workshop=w.workshop, module=r)


def _module_move(w):
    ModuleFactory(workshop=w.workshop, actor=w.lead)

    def act():
        return content.module_move(module=w.module, direction="down", actor=_by(w, w.co_trainer))

    return act, lambda r: _entry(
        Action.MODULE_MOVE, w.co_trainer, w.module, workshop=w.workshop, module=w.module
    )


def _module_delete(w):
    def act():
        return content.module_delete(module=w.module, actor=_by(w, w.co_trainer))

    return act, lambda r: _entry(
        Action.MODULE_DELETE, w.co_trainer, w.module, workshop=w.workshop, module=w.module
    )


def _section_create(w):
    def act():
        return content.section_create(
            module=w.module,
            title="What we noticed",
            body="one two  three\nfour",
            kind="story",
            audience="everyone",
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: _entry(
        Action.SECTION_CREATE, w.co_trainer, r, workshop=w.workshop, module=w.module, added=4
    )


def _section_update(w):
    def act():
        return content.section_update(
            section=w.section,
            based_on_version=1,
            title=w.section.title,
            body="Behaviour is a way of telling us what we need.",
            kind=w.section.kind,
            audience=w.section.audience,
            actor=_by(w, w.lead),
        )

    # Words compare by their letters ("**telling" is "telling"): "something." out,
    # "what", "we", "need." in.
    return act, lambda r: _entry(
        Action.SECTION_EDIT, w.lead, r, workshop=w.workshop, module=w.module, added=3, removed=1
    )


def _section_restore(w):
    content.section_update(
        section=w.section,
        based_on_version=1,
        title=w.section.title,
        body=BODY + " Two more.",
        kind=w.section.kind,
        audience=w.section.audience,
        actor=w.co_trainer,
    )

    def act():
        revision = SectionRevision.objects.get(section=w.section, version=1)
        return content.section_restore(
            section=w.section, revision=revision, based_on_version=2, actor=_by(w, w.lead)
        )

    return act, lambda r: _entry(
        Action.SECTION_RESTORE, w.lead, r, workshop=w.workshop, module=w.module, removed=2
    )


def _section_move(w):
    SectionFactory(module=w.module, actor=w.lead)

    def act():
        return content.section_move(section=w.section, direction="down", actor=_by(w, w.co_trainer))

    return act, lambda r: _entry(
        Action.SECTION_MOVE, w.co_trainer, w.section, workshop=w.workshop, module=w.module
    )


def _section_delete(w):
    def act():
        return content.section_delete(section=w.section, actor=_by(w, w.lead))

    return act, lambda r: _entry(
        Action.SECTION_DELETE, w.lead, w.section, workshop=w.workshop, module=w.module, removed=8
    )


def _section_undelete(w):
    def act():
        return content.section_undelete(section=w.deleted_section, actor=_by(w, w.co_trainer))

    return act, lambda r: _entry(
        Action.SECTION_UNDELETE, w.co_trainer, r, workshop=w.workshop, module=w.module, added=8
    )


def _invitation_create(w):
    def act():
        return members.invitation_create(
            organisation=w.organisation,
            email=" New.Person@Example.org ",
            role="observer",
            perspective="family_carer",
            actor=_by(w, w.lead),
        )

    return act, lambda r: _entry(Action.MEMBER_INVITE, w.lead, r)


def _invitation_accept(w):
    def act():
        return members.invitation_accept(
            invitation=w.invitation,
            full_name="Jo Parent",
            first_name="Jo",
            password="a-long-and-unusual-password",
        )

    return act, lambda r: _entry(Action.MEMBER_JOIN, r, r)


def _membership_update(w):
    def act():
        return members.membership_update(
            membership=w.co_trainer,
            role="observer",
            perspective="professional",
            is_external=True,
            actor=_by(w, w.lead),
        )

    return act, lambda r: _entry(Action.MEMBER_CHANGE, w.lead, r)


def _membership_remove(w):
    def act():
        return members.membership_remove(membership=w.co_trainer, actor=_by(w, w.lead))

    return act, lambda r: _entry(Action.MEMBER_REMOVE, w.lead, r)


def _membership_set_credit_preference(w):
    def act():
        return members.membership_set_credit_preference(
            membership=w.co_trainer,
            credit_preference=CreditPreference.ANONYMOUS,
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: _entry(Action.MEMBER_CHANGE, w.co_trainer, r)


WRITES = {
    "workshop_create": _workshop_create,
    "workshop_update": _workshop_update,
    "module_create": _module_create,
    "module_update": _module_update,
    "module_move": _module_move,
    "module_delete": _module_delete,
    "section_create": _section_create,
    "section_update": _section_update,
    "section_restore": _section_restore,
    "section_move": _section_move,
    "section_delete": _section_delete,
    "section_undelete": _section_undelete,
    "invitation_create": _invitation_create,
    "invitation_accept": _invitation_accept,
    "membership_update": _membership_update,
    "membership_remove": _membership_remove,
    "membership_set_credit_preference": _membership_set_credit_preference,
}


def _public_services():
    return {
        name
        for module in (content, members)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    } - {
        "section_live_save"
    }  # the live room's write-back, one entry per typist: tested in test_every_write_logs


def test_every_write_service_is_in_the_table():
    assert sorted(_public_services()) == sorted(WRITES)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_service_logs_exactly_one_entry(world, name):
    act, expected = WRITES[name](world)
    organisation = Organisation.objects.get(pk=world.organisation.pk)
    before = set(ContributionEntry.objects.values_list("pk", flat=True))

    result = act()

    new = list(ContributionEntry.objects.exclude(pk__in=before))
    assert len(new) == 1
    entry = new[0]
    if isinstance(result, Section | Module | Workshop | Membership | Invitation):
        result.refresh_from_db()
    assert _as_dict(entry) == expected(result)
    # Chained to the previous head of this organisation's log, and now the head itself.
    assert entry.previous_hash == organisation.log_head_hash
    assert entry.entry_hash == entry.compute_hash()
    organisation.refresh_from_db()
    assert organisation.log_head_hash == entry.entry_hash


def test_log_entry_keeps_perspective_at_time_of_change(world):
    content.workshop_update(
        workshop=world.workshop, title="A", audience="", description="", actor=world.co_trainer
    )
    first = ContributionEntry.objects.latest("pk")
    changed = members.membership_update(
        membership=world.co_trainer,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
        is_external=False,
        actor=world.lead,
    )

    content.workshop_update(
        workshop=world.workshop, title="B", audience="", description="", actor=changed
    )

    first.refresh_from_db()
    later = ContributionEntry.objects.latest("pk")
    assert (first.perspective, later.perspective) == (
        Perspective.FAMILY_CARER,
        Perspective.PROFESSIONAL,
    )
    assert first.membership_id == later.membership_id == world.co_trainer.pk


def test_section_update_keeps_revision_and_bumps_version(world):
    section = content.section_update(
        section=world.section,
        based_on_version=1,
        title="New heading",
        body="New words",
        kind="activity",
        audience="facilitators",
        content_note="Careful",
        source_tags=["research_evidence"],
        actor=world.lead,
    )

    section = Section.objects.get(pk=section.pk)
    assert (section.version, section.title, section.body, section.body_html) == (
        2,
        "New heading",
        "New words",
        "<p>New words</p>\n",
    )
    assert list(
        SectionRevision.objects.filter(section=section).values_list("version", "body", "author")
    ) == [(1, BODY, world.co_trainer.pk), (2, "New words", world.lead.pk)]


# Moves
def _positions(model, **filters):
    return list(model.all_objects.filter(**filters).order_by("pk").values_list("pk", "position"))


def test_module_move_renumbers_positions_with_gaps(world):
    second = ModuleFactory(workshop=world.workshop, actor=world.lead)
    third = ModuleFactory(workshop=world.workshop, actor=world.lead)
    for module, position in ((world.module, 3), (second, 7), (third, 20)):
        Module.objects.filter(pk=module.pk).update(position=position)

    moved = content.module_move(module=third, direction="up", actor=world.lead)

    assert moved is True
    assert _positions(Module, workshop=world.workshop) == [
        (world.module.pk, 0),
        (second.pk, 2),
        (third.pk, 1),
    ]
    assert [m.pk for m in workshop_modules(workshop=world.workshop)] == [
        world.module.pk,
        third.pk,
        second.pk,
    ]


@pytest.mark.parametrize("end, direction", [("first", "up"), ("last", "down")])
def test_module_move_at_end_returns_false_and_logs_nothing(world, end, direction):
    last = ModuleFactory(workshop=world.workshop, actor=world.lead)
    module = world.module if end == "first" else last
    positions = _positions(Module, workshop=world.workshop)
    log_before = ContributionEntry.objects.count()

    moved = content.module_move(module=module, direction=direction, actor=world.lead)

    assert moved is False
    assert _positions(Module, workshop=world.workshop) == positions
    assert ContributionEntry.objects.count() == log_before


def test_section_move_down_swaps_with_next_and_skips_deleted(world):
    second = SectionFactory(module=world.module, actor=world.lead)
    deleted_position = Section.all_objects.get(pk=world.deleted_section.pk).position

    moved = content.section_move(section=world.section, direction="down", actor=world.lead)

    assert moved is True
    assert [s.pk for s in module_sections(module=world.module)] == [
        second.pk,
        world.section.pk,
    ]
    assert Section.all_objects.get(pk=world.deleted_section.pk).position == deleted_position


@pytest.mark.parametrize("end, direction", [("first", "up"), ("last", "down")])
def test_section_move_at_end_returns_false_and_logs_nothing(world, end, direction):
    last = SectionFactory(module=world.module, actor=world.lead)
    section = world.section if end == "first" else last
    positions = _positions(Section, module=world.module)
    log_before = ContributionEntry.objects.count()

    moved = content.section_move(section=section, direction=direction, actor=world.lead)

    assert moved is False
    assert _positions(Section, module=world.module) == positions
    assert ContributionEntry.objects.count() == log_before


def test_only_section_move_returns_false_both_ways(world):
    assert content.section_move(section=world.section, direction="up", actor=world.lead) is False
    assert content.section_move(section=world.section, direction="down", actor=world.lead) is False


# Soft deletes
def test_section_delete_keeps_row_and_revisions_but_hides_it(world):
    user = world.lead.user
    revisions = SectionRevision.objects.filter(section=world.section).count()

    content.section_delete(section=world.section, actor=world.lead)

    kept = Section.all_objects.get(pk=world.section.pk)
    assert (kept.deleted_at is not None, kept.body) == (True, BODY)
    assert SectionRevision.objects.filter(section=world.section).count() == revisions
    assert Section.objects.filter(pk=world.section.pk).exists() is False
    assert list(module_sections(module=world.module)) == []
    with pytest.raises(Http404):
        section_get(user=user, pk=world.section.pk)


def test_module_delete_keeps_module_and_sections_but_hides_it(world):
    user = world.lead.user

    content.module_delete(module=world.module, actor=world.lead)

    assert Module.all_objects.get(pk=world.module.pk).deleted_at is not None
    assert Section.all_objects.filter(module_id=world.module.pk).count() == 2
    assert list(workshop_modules(workshop=world.workshop)) == []
    with pytest.raises(Http404):
        module_get(user=user, pk=world.module.pk)
    response_list = workshop_list(user=user, organisation=world.organisation)
    assert [w.module_count for w in response_list] == [0]


def test_section_undelete_brings_section_back_at_the_end(world):
    content.section_undelete(section=world.deleted_section, actor=world.lead)

    assert [s.pk for s in module_sections(module=world.module)] == [
        world.section.pk,
        world.deleted_section.pk,
    ]


# The permission guard every write passes through
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


# invitation_accept has no actor (the invitation is the permission), and a credit preference is
# the person's own choice: neither goes through ``require``; see the tests below for them.
GUARDED = sorted(set(WRITES) - {"invitation_accept", "membership_set_credit_preference"})


def _with_actor(world, bad_actor):
    """Every service call made by ``act`` now runs as the bad actor; the targets stay the same."""
    world.actor_override = bad_actor
    return world


@pytest.mark.parametrize("name", GUARDED)
@pytest.mark.parametrize("who", ["other_organisation_lead", "observer", "removed_lead"])
def test_require_refuses_bad_actor_and_nothing_written(world, other_world, name, who):
    act, _ = WRITES[name](world)
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
@pytest.mark.parametrize("name", ["invitation_create", "membership_update", "membership_remove"])
def test_member_services_refuse_non_lead(world, role, name):
    act, _ = WRITES[name](world)
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


# Error pages
def test_unknown_page_shows_site_404(client_for, world):
    response = client_for(world.lead).get("/no-such-page/")

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_other_organisation_object_shows_site_404(client_for, world, other_world):
    response = client_for(world.lead).get(
        reverse("workshop_detail", kwargs={"pk": other_world.workshop.pk})
    )

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_forbidden_action_shows_site_403(client_for, world, observer):
    response = client_for(observer).post(reverse("section_delete", kwargs={"pk": world.section.pk}))

    assert response.status_code == 403
    assert page_heading(response) == "You can't do that here"


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_shows_plain_500_without_details(client_for, world):
    client = client_for(world.lead)
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert page_heading(response) == "Sorry, something went wrong on our side"
    assert "Anything you had already saved is safe." in html
    assert FAILURE_DETAIL not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_for_anonymous_shows_plain_500(client):
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    assert page_heading(response) == "Sorry, something went wrong on our side"
