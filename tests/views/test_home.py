"""The home page: what needs the person, "Nothing needs you right now" when nothing does, the
organisation they chose last in the header, and queries that do not grow with what is listed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    SectionFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.helpers import html_text, make_team, query_count
from workshops.services import reviews as review_services
from workshops.services import sessions as session_services
from workshops.views.base import CURRENT_ORGANISATION_SESSION_KEY


def test_home_without_an_organisation_says_so(client_for, db):
    response = client_for(UserFactory()).get(reverse("home"))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "workshops/no_organisation.html"


def test_home_with_nothing_to_do_says_so_and_links_the_workshops(client_for, world):
    newcomer = MembershipFactory(organisation=world.organisation)

    response = client_for(newcomer).get(reverse("home"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Nothing needs you right now." in html_text(html)
    assert f'href="{world.workshop.get_absolute_url()}"' in html


def test_home_offers_a_reviewer_read_and_decide(client_for, review_round, carer):
    html = client_for(carer).get(reverse("home")).content.decode()

    assert "Reviews waiting for your decision" not in html_text(html)
    assert "A review waiting for your decision: 1" in html_text(html)
    assert f'href="{review_round.get_absolute_url()}"' in html
    assert "Read and decide" in html_text(html)
    assert "Nothing needs you right now." not in html_text(html)


def test_home_header_follows_the_organisation_chosen_last(client_for, make_world):
    first, second = make_world("Alder Carers"), make_world("Birch Carers")
    user = first.co_trainer.user
    MembershipFactory(user=user, organisation=second.organisation)
    client = client_for(user)

    before = client.get(reverse("home")).context["organisation"]
    session = client.session
    session[CURRENT_ORGANISATION_SESSION_KEY] = second.organisation.pk
    session.save()
    after = client.get(reverse("home")).context["organisation"]

    assert (before, after) == (first.organisation, second.organisation)


def _home_with(client_for, count):
    """A carer asked to review ``count`` modules, each with a comment on their words and a
    session coming up."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    for number in range(count):
        module = ModuleFactory(workshop=workshop, actor=lead)
        section = SectionFactory(module=module, actor=carer, body=f"Carer's words {number}")
        round = review_services.review_round_open(
            module=module, reviewers=[carer, lead], actor=lead
        )
        review_services.comment_add(
            round=round, body="Could this be gentler?", section_id=section.pk, actor=lead
        )
        session_services.session_create(
            workshop=workshop,
            title=f"Session {number}",
            starts_at=timezone.now() + timedelta(days=number + 1),
            agenda=[module],
            facilitator=lead,
            actor=lead,
        )
    client = client_for(carer)
    assert client.get(reverse("home")).content.decode().count("Read and decide") == count
    return query_count(client, reverse("home"))


def test_home_queries_do_not_grow_with_what_is_listed(client_for, db):
    one = _home_with(client_for, 1)

    assert _home_with(client_for, 8) == one
