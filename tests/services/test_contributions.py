"""The contribution log as the services write it: every write logs exactly its entries, chained,
holding ids and counts but never text, and concurrent appends keep one chain.

``SERVICES`` (tests/services/service_table.py) has one entry for every public function of every
module of ``workshops.services``, found by walking the package: a new service function without
an entry (a way to call it and the entries it must write, or the reason it writes none) fails
``test_every_write_service_has_a_recipe``, so it cannot slip past the log.
"""

import importlib
import inspect
import pkgutil
import threading

import pytest
from django.db import connection, models

import workshops.services
from tests.factories import MembershipFactory, SectionFactory, WorkshopFactory
from tests.services.service_table import HELPER_MODULES, SERVICES, WRITES, as_dict
from workshops.contribution_log import chain_verify
from workshops.enums import Perspective, Role
from workshops.models import ContributionEntry, Organisation
from workshops.services import content, members

pytestmark = pytest.mark.django_db


def _service_modules():
    """The modules of ``workshops.services``, by short name, the helper modules left out."""
    names = {info.name for info in pkgutil.iter_modules(workshops.services.__path__)}
    return {
        name: importlib.import_module(f"workshops.services.{name}")
        for name in sorted(names - set(HELPER_MODULES))
    }


def _public_service_functions():
    """Functions defined (not imported) in the service modules, by "module.function"."""
    names = set()
    for short, module in _service_modules().items():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{short}.{name}")
    return names


def test_every_write_service_has_a_recipe():
    missing = _public_service_functions() - set(SERVICES)

    assert missing == set(), f"Add an entry to SERVICES (service_table.py) for {missing}"


def test_every_recipe_names_an_existing_service():
    assert set(SERVICES) - _public_service_functions() == set()
    # Each entry either says how to call the service or why it writes no entry, not both.
    both_or_neither = [
        name
        for name, service in SERVICES.items()
        if bool(service.prepare) == bool(service.no_entry)
    ]
    assert both_or_neither == []


def test_every_service_module_is_in_the_table():
    modules = {info.name for info in pkgutil.iter_modules(workshops.services.__path__)}

    assert sorted(modules - set(HELPER_MODULES)) == sorted(
        {name.split(".")[0] for name in SERVICES}
    )
    assert set(HELPER_MODULES) - modules == set()


def _new_entries(last_before):
    return list(ContributionEntry.objects.filter(pk__gt=last_before or 0).order_by("pk"))


@pytest.mark.parametrize("name", WRITES)
def test_service_call_writes_a_log_entry_for_its_actor(name, world):
    call, expected = SERVICES[name].prepare(world)
    last_before = ContributionEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    result = call()

    actors = [(e["membership_id"], e["perspective"]) for e in expected(result)]
    new_entries = _new_entries(last_before)
    assert len(new_entries) >= 1
    assert [(e.organisation_id, e.membership_id) for e in new_entries] == [
        (world.organisation.pk, membership_id) for membership_id, _ in actors
    ]
    assert [e.perspective for e in new_entries] == [perspective for _, perspective in actors]


@pytest.mark.parametrize("name", WRITES)
def test_write_service_logs_exactly_its_entries(world, name):
    act, expected = SERVICES[name].prepare(world)
    organisation = Organisation.objects.get(pk=world.organisation.pk)
    last_before = ContributionEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    result = act()

    new = _new_entries(last_before)
    if isinstance(result, models.Model):
        result.refresh_from_db()
    assert [as_dict(entry) for entry in new] == expected(result)
    # Chained to the previous head of this organisation's log, and the last one now the head.
    assert [entry.previous_hash for entry in new] == [
        organisation.log_head_hash,
        *(entry.entry_hash for entry in new[:-1]),
    ]
    assert [entry.entry_hash for entry in new] == [entry.compute_hash() for entry in new]
    organisation.refresh_from_db()
    assert organisation.log_head_hash == new[-1].entry_hash


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


# Entries hold ids and counts, never text

SENTENCE = "Grandmother Wynonna whistles lullabies beside juniper orchards"
TITLE = "Quokka Rhapsody"


def test_contribution_entry_of_a_section_edit_holds_no_words_of_the_text(world):
    content.section_update(
        section=world.section,
        based_on_version=world.section.version,
        title=TITLE,
        body=SENTENCE,
        kind=world.section.kind,
        audience=world.section.audience,
        actor=world.lead,
    )

    entry = ContributionEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.target_id) == ("section.edit", world.section.pk)
    stored = " ".join(
        [entry.canonical_content(), entry.entry_hash]
        + [str(getattr(entry, f.attname)) for f in ContributionEntry._meta.concrete_fields]
    ).casefold()
    found = [word for word in (SENTENCE + " " + TITLE).split() if word.casefold() in stored]
    assert found == []
    assert (entry.words_added, entry.words_removed) == (7, 8)


def test_contribution_entry_has_no_free_text_fields():
    text_fields = [
        f.name for f in ContributionEntry._meta.concrete_fields if isinstance(f, models.TextField)
    ]
    assert text_fields == []


# Concurrent appends keep one chain


THREADS = 6
CALLS_PER_THREAD = 10


def _entries(organisation):
    return list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_contribution_record_concurrent_appends_leave_one_unbroken_chain(flushable_log):
    lead = MembershipFactory(role=Role.LEAD, perspective=Perspective.PROFESSIONAL)
    organisation = lead.organisation
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    actors = [
        MembershipFactory(
            organisation=organisation,
            role=Role.CO_TRAINER,
            perspective=Perspective.FAMILY_CARER if n % 2 else Perspective.PROFESSIONAL,
        )
        for n in range(THREADS)
    ]
    module = content.module_create(workshop=workshop, title="Shared", actor=lead)
    sections = [SectionFactory(module=module, actor=actor, body="start") for actor in actors]
    entries_before = len(_entries(organisation))
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(actor, section):
        try:
            barrier.wait(timeout=30)
            version = section.version
            for call in range(CALLS_PER_THREAD):
                if call % 2:
                    content.workshop_create(
                        organisation=organisation, title=f"By {actor.pk} #{call}", actor=actor
                    )
                else:
                    content.section_update(
                        section=section,
                        based_on_version=version,
                        title=section.title,
                        body=f"start and words from call {call}",
                        kind=section.kind,
                        audience=section.audience,
                        actor=actor,
                    )
                    version += 1
        except Exception as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(actor, section))
        for actor, section in zip(actors, sections, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [thread.is_alive() for thread in threads] == [False] * THREADS
    assert errors == []
    entries = _entries(organisation)
    assert len(entries) == entries_before + THREADS * CALLS_PER_THREAD
    organisation.refresh_from_db()
    assert chain_verify(organisation) is None
    assert entries[0].previous_hash == ""
    assert [e.previous_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert len({e.previous_hash for e in entries}) == len(entries)
    assert organisation.log_head_hash == entries[-1].entry_hash
    by_actor = {actor.pk: 0 for actor in actors}
    for entry in entries[entries_before:]:
        by_actor[entry.membership_id] += 1
    assert by_actor == {actor.pk: CALLS_PER_THREAD for actor in actors}
