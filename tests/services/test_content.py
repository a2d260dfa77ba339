"""The content services: new versions and their revisions, moves, soft deletes, refused stale
saves, and restoring an earlier version with its attribution."""

import pytest
from django.http import Http404

from tests.factories import ModuleFactory, SectionFactory
from tests.helpers import edit_section
from workshops.attribution import words
from workshops.models import ContributionEntry, Module, Section, SectionRevision
from workshops.selectors.content import (
    module_get,
    module_sections,
    section_get,
    workshop_list,
    workshop_modules,
)
from workshops.services import content
from workshops.services.content import SectionConflict

pytestmark = pytest.mark.django_db

BODY = "Behaviour is a way of **telling us** something."  # 8 words, the factory's default
ORIGINAL = "Behaviour is communication."
FIRST = "Behaviour is communication. Look for what it is telling you."
SECOND = "Behaviour is communication, and every family is different."


@pytest.fixture
def shared_section(world, carer):
    return SectionFactory(
        module=world.module, actor=carer, title="What behaviour says", body=ORIGINAL
    )


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


def test_section_move_leaves_other_modules_sections_where_they_are(world):
    SectionFactory(module=world.module, actor=world.lead)
    other_module = ModuleFactory(workshop=world.workshop, actor=world.lead)
    for _ in range(3):
        SectionFactory(module=other_module, actor=world.lead)
    other_positions = _positions(Section, module=other_module)

    content.section_move(section=world.section, direction="down", actor=world.lead)

    assert _positions(Section, module=other_module) == other_positions


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


# A stale save is refused


def test_section_update_stale_version_raises_conflict_and_writes_nothing(
    carer, professional, shared_section
):
    edit_section(shared_section, FIRST, actor=carer)
    revisions_before = SectionRevision.objects.count()
    log_before = ContributionEntry.objects.count()

    with pytest.raises(SectionConflict) as raised:
        content.section_update(
            section=shared_section,
            based_on_version=1,
            title="Other heading",
            body=SECOND,
            kind=shared_section.kind,
            audience=shared_section.audience,
            actor=professional,
        )

    assert raised.value.current.version == 2
    assert raised.value.current.body == FIRST
    current = Section.objects.get(pk=shared_section.pk)
    assert (current.version, current.body, current.title) == (2, FIRST, "What behaviour says")
    assert SectionRevision.objects.count() == revisions_before
    assert ContributionEntry.objects.count() == log_before


def test_section_update_future_version_raises_conflict(carer, shared_section):
    with pytest.raises(SectionConflict):
        content.section_update(
            section=shared_section,
            based_on_version=5,
            title=shared_section.title,
            body=SECOND,
            kind=shared_section.kind,
            audience=shared_section.audience,
            actor=carer,
        )

    assert Section.objects.get(pk=shared_section.pk).version == 1


# Restoring an earlier version keeps its attribution


def test_section_restore_gives_the_old_revisions_attribution(world):
    carer, lead, section = world.co_trainer, world.lead, world.section
    original = SectionRevision.objects.get(section=section, version=1)
    content.section_update(
        section=section,
        based_on_version=1,
        title=section.title,
        body="The lead rewrote every single word here.",
        kind=section.kind,
        audience=section.audience,
        actor=lead,
    )

    restored = content.section_restore(
        section=section, revision=original, based_on_version=2, actor=lead
    )

    assert restored.version == 3
    assert restored.body == original.body
    assert restored.attribution == original.attribution
    assert restored.attribution == [[carer.pk, len(words(original.body))]]
    revision = SectionRevision.objects.get(section=section, version=3)
    assert revision.author == lead
    assert revision.attribution == original.attribution


def test_section_restore_of_a_two_author_revision_keeps_both_authors(world):
    carer, lead, section = world.co_trainer, world.lead, world.section
    body = section.body + " Carers and nurses wrote this together."
    content.section_update(
        section=section,
        based_on_version=1,
        title=section.title,
        body=body,
        kind=section.kind,
        audience=section.audience,
        actor=lead,
    )
    shared = SectionRevision.objects.get(section=section, version=2)
    content.section_update(
        section=section,
        based_on_version=2,
        title=section.title,
        body="Replaced by the carer.",
        kind=section.kind,
        audience=section.audience,
        actor=carer,
    )

    restored = content.section_restore(
        section=section, revision=shared, based_on_version=3, actor=carer
    )

    assert restored.attribution == [[carer.pk, 8], [lead.pk, 6]]
    assert SectionRevision.objects.get(section=section, version=4).author == carer
