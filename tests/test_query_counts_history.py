"""The who-wrote-what, history and contribution log pages run the same number of queries for one
author, revision or entry as for twenty."""

import pytest
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import make_people, query_count
from workshops.enums import Role
from workshops.models import ContributionEntry, Section
from workshops.services import content as content_services

pytestmark = pytest.mark.django_db

MANY = 20


def _section_written_by(count):
    """(reader, section): a section whose every save is by a different person."""
    organisation = OrganisationFactory()
    reader = MembershipFactory(organisation=organisation, role=Role.LEAD)
    authors = make_people(organisation, count)
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=reader))
    section = SectionFactory(module=module, actor=authors[0], body="words0")
    for number, author in enumerate(authors[1:], start=1):
        current = Section.objects.get(pk=section.pk)
        content_services.section_update(
            section=current,
            based_on_version=current.version,
            title=current.title,
            body=f"{current.body} words{number}",
            kind=current.kind,
            audience=current.audience,
            actor=author,
        )
    return reader, Section.objects.get(pk=section.pk)


def _authors_page(client_for, count):
    reader, section = _section_written_by(count)
    assert len(section.attribution) == count
    return query_count(client_for(reader), reverse("section_authors", args=[section.pk]))


def _history_page(client_for, count):
    reader, section = _section_written_by(count)
    assert section.version == count
    return query_count(client_for(reader), reverse("section_history", args=[section.pk]))


def _log_page(client_for, count):
    organisation = OrganisationFactory()
    lead = MembershipFactory(organisation=organisation, role=Role.LEAD)
    people = make_people(organisation, count)
    for person in people:
        content_services.workshop_create(organisation=organisation, title="W", actor=person)
    assert ContributionEntry.objects.filter(organisation=organisation).count() == count
    url = reverse("contribution_log", args=[organisation.pk])
    return query_count(client_for(lead), url)


def _log_summary_page(client_for, count):
    organisation = OrganisationFactory()
    lead = MembershipFactory(organisation=organisation, role=Role.LEAD)
    for person in make_people(organisation, count):
        content_services.workshop_create(organisation=organisation, title="W", actor=person)
    url = reverse("contribution_summary", args=[organisation.pk])
    return query_count(client_for(lead), url)


def test_section_authors_page_queries_do_not_grow_with_authors(client_for):
    assert _authors_page(client_for, 1) == _authors_page(client_for, MANY)


def test_section_history_page_queries_do_not_grow_with_revisions(client_for):
    assert _history_page(client_for, 1) == _history_page(client_for, MANY)


def test_contribution_log_page_queries_do_not_grow_with_entries(client_for):
    assert _log_page(client_for, 1) == _log_page(client_for, MANY)


def test_contribution_summary_page_queries_do_not_grow_with_people(client_for):
    assert _log_summary_page(client_for, 1) == _log_summary_page(client_for, MANY)
