"""List pages run the same number of queries for one item as for twenty."""

import pytest
from django.urls import reverse

from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ModuleFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import make_team, query_count
from workshops.enums import CreditPreference, Perspective, Role
from workshops.services import content as content_services

pytestmark = pytest.mark.django_db


def _workshop_page(client_for, modules):
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    for number in range(modules):
        module = ModuleFactory(workshop=workshop, actor=lead)
        section = SectionFactory(module=module, actor=carer, body=f"Words from a carer {number}")
        content_services.section_update(
            section=section,
            based_on_version=1,
            title=section.title,
            body=section.body + " and from a nurse",
            kind=section.kind,
            audience=section.audience,
            actor=lead,
        )
    url = reverse("workshop_detail", kwargs={"pk": workshop.pk})
    return query_count(client_for(lead), url)


def _module_page(client_for, sections):
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    for number in range(sections):
        author = carer if number % 2 else lead
        SectionFactory(
            module=module,
            actor=author,
            body=f"Section {number} **text**",
            source_tags=["lived_experience", "research_evidence"],
            content_note="A gentle warning" if number % 3 else "",
        )
    url = reverse("module_detail", kwargs={"pk": module.pk})
    return query_count(client_for(carer), url)


def _workshop_list(client_for, workshops):
    organisation, lead, carer = make_team()
    for _ in range(workshops):
        ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead), actor=lead)
    url = reverse("workshop_list", kwargs={"org_id": organisation.pk})
    return query_count(client_for(carer), url)


def _member_list(client_for, members):
    organisation, lead, carer = make_team()
    preferences = list(CreditPreference.values)
    for number in range(members):
        MembershipFactory(
            organisation=organisation,
            role=[Role.CO_TRAINER, Role.OBSERVER, Role.EXTERNAL_SUPPORTER][number % 3],
            perspective=[Perspective.FAMILY_CARER, Perspective.PROFESSIONAL][number % 2],
            credit_preference=preferences[number % len(preferences)],
            is_external=bool(number % 2),
        )
        InvitationFactory(organisation=organisation, invited_by=lead)
    url = reverse("member_list", kwargs={"org_id": organisation.pk})
    # As lead: the page then also lists pending invitations and the manage buttons.
    return query_count(client_for(lead), url)


@pytest.mark.parametrize(
    "page", [_workshop_page, _module_page, _workshop_list, _member_list], ids=lambda f: f.__name__
)
def test_list_page_query_count_same_for_one_and_twenty_items(client_for, page):
    one, twenty = page(client_for, 1), page(client_for, 20)

    assert twenty == one, f"{page.__name__}: {one} queries for 1 item, {twenty} for 20"
