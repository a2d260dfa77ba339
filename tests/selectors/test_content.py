"""Module statuses: draft, in review, agreed, and changed since agreed (with what changed),
decided by the agreed version's content hash."""

from django.urls import reverse

from tests.factories import ModuleFactory, SectionFactory
from tests.helpers import agree_module, edit_section
from workshops.models import Module
from workshops.selectors.content import (
    AGREED,
    CHANGED,
    DRAFT,
    IN_REVIEW,
    module_snapshot_of,
    module_statuses,
)
from workshops.services import content as content_services
from workshops.services import reviews as review_services


def _status(module):
    module = Module.objects.select_related("agreed_version").get(pk=module.pk)
    return module_statuses(modules=[module])[module.pk]


def _agreed_module(world):
    module = ModuleFactory(workshop=world.workshop, actor=world.lead)
    section = SectionFactory(module=module, actor=world.co_trainer, body="Behaviour is a message.")
    agree_module(module, reviewers=[world.co_trainer, world.lead], actor=world.lead)
    return module, section


def test_snapshot_is_the_one_a_review_round_freezes(world):
    SectionFactory(module=world.module, actor=world.lead, body="A second **section**.")
    sections = list(world.module.sections.order_by("position", "pk"))

    assert module_snapshot_of(world.module, sections) == review_services.module_snapshot(
        world.module
    )


def test_a_module_never_reviewed_is_a_draft(world):
    status = _status(world.module)

    assert (status.key, str(status.label), status.open_round) == (DRAFT, "Draft", None)


def test_a_module_with_an_open_round_is_in_review(world):
    round = review_services.review_round_open(
        module=world.module, reviewers=[world.co_trainer, world.lead], actor=world.lead
    )

    status = _status(world.module)

    assert (status.key, status.open_round) == (IN_REVIEW, round)


def test_an_agreed_module_not_changed_since_is_agreed(world):
    module, _section = _agreed_module(world)

    status = _status(module)

    assert (status.key, status.changed_since_agreed, status.changes) == (AGREED, False, [])


def test_an_agreed_module_edited_since_is_changed_with_links_to_what_changed(world):
    module, section = _agreed_module(world)
    edit_section(section, "Behaviour is a message we can learn to read.", actor=world.lead)
    added = SectionFactory(module=module, actor=world.co_trainer, title="Something new")

    status = _status(module)

    compare = reverse("section_compare", kwargs={"pk": section.pk}) + "?old=1&new=2"
    assert (status.key, str(status.label)) == (CHANGED, "Changed since agreed")
    assert status.changes == [
        {"title": section.title, "url": compare, "kind": "changed"},
        {
            "title": "Something new",
            "url": module.get_absolute_url() + f"#section-{added.pk}",
            "kind": "added",
        },
    ]


def test_an_agreed_module_with_a_section_deleted_is_changed(world):
    module, section = _agreed_module(world)
    content_services.section_delete(section=section, actor=world.lead)

    status = _status(module)

    assert status.key == CHANGED
    assert status.changes == [{"title": section.title, "url": None, "kind": "removed"}]


def test_a_changed_module_in_a_new_round_is_in_review_and_still_changed(world):
    module, section = _agreed_module(world)
    edit_section(section, "New words.", actor=world.lead)
    review_services.review_round_open(
        module=module, reviewers=[world.co_trainer, world.lead], actor=world.lead
    )

    status = _status(module)

    assert (status.key, status.changed_since_agreed) == (IN_REVIEW, True)
