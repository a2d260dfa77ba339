"""The home page selector: what needs the person, only from their own organisations, in a number
of queries that does not grow with the rounds, comments and sessions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory, WorkshopFactory
from tests.helpers import approve, make_team, request_changes
from workshops.selectors.home import home_page
from workshops.services import reviews as review_services
from workshops.services import sessions as session_services
from workshops.services.members import membership_remove


def _session(world, *, starts_in, title="Writing together"):
    return session_services.session_create(
        workshop=world.workshop,
        title=title,
        starts_at=timezone.now() + starts_in,
        agenda=[world.module],
        facilitator=world.lead,
        actor=world.lead,
    )


# Reviews waiting for my decision


def test_reviews_waiting_lists_an_open_round_until_i_decide(review_round, carer, professional):
    before = home_page(user=carer.user)["reviews_waiting"]
    approve(review_round, carer)

    assert before == [review_round]
    assert home_page(user=carer.user)["reviews_waiting"] == []
    assert home_page(user=professional.user)["reviews_waiting"] == [review_round]


def test_reviews_waiting_leaves_out_rounds_i_was_not_asked_to_review(world, review_round):
    assert home_page(user=world.lead.user)["reviews_waiting"] == []


def test_reviews_waiting_leaves_out_other_organisations(make_world):
    mine = make_world(complete=True)
    make_world(complete=True)  # another organisation, with an open round of its own

    waiting = home_page(user=mine.co_trainer.user)["reviews_waiting"]

    assert waiting == [mine.review_round]


def test_every_group_forgets_an_organisation_the_person_was_removed_from(make_world):
    theirs, mine = make_world(complete=True), make_world()
    person = theirs.co_trainer  # wrote theirs.section; also a member of mine
    MembershipFactory(organisation=mine.organisation, user=person.user)
    comment = review_services.comment_add(
        round=theirs.review_round,
        body="Gentler, please.",
        section_id=theirs.section.pk,
        actor=theirs.lead,
    )
    request_changes(theirs.review_round, theirs.lead)
    review_services.review_round_withdraw(round=theirs.review_round, actor=theirs.lead)
    groups = ("comments_on_my_words", "open_items", "coming_sessions")
    before = {group: home_page(user=person.user)[group] for group in groups}

    membership_remove(membership=person, actor=theirs.lead)

    assert before == {
        "comments_on_my_words": [comment],
        "open_items": [theirs.review_round],
        "coming_sessions": [theirs.session],
    }
    assert {group: home_page(user=person.user)[group] for group in groups} == {
        group: [] for group in groups
    }


# Comments on my words


def test_comments_on_my_words_lists_others_unresolved_comments_on_my_sections(
    world, review_round, review_section, carer, professional
):
    theirs = review_services.comment_add(
        round=review_round,
        body="Gentler, please.",
        section_id=review_section.pk,
        actor=professional,
    )
    resolved = review_services.comment_add(
        round=review_round, body="Typo.", section_id=review_section.pk, actor=professional
    )
    review_services.comment_set_resolved(comment=resolved, resolved=True, actor=carer)
    review_services.comment_add(
        round=review_round,
        body="I agree.",
        section_id=review_section.pk,
        parent=theirs,
        actor=carer,
    )
    review_services.comment_add(
        round=review_round, body="My own note.", section_id=review_section.pk, actor=carer
    )

    shown = home_page(user=carer.user)["comments_on_my_words"]

    assert shown == [theirs]
    assert shown[0].section_title == review_section.title
    # The professional wrote no words in the section; the lead made the module, not the words.
    assert home_page(user=professional.user)["comments_on_my_words"] == []
    assert home_page(user=world.lead.user)["comments_on_my_words"] == []


# Open items from the last round


def test_open_items_show_the_last_ended_round_with_its_requests_and_open_comments(
    world, review_round, review_section, carer, professional
):
    asked = request_changes(review_round, professional, reason="Use the words families use.")
    comment = review_services.comment_add(
        round=review_round, body="Shorter?", section_id=review_section.pk, actor=professional
    )
    open_before = home_page(user=carer.user)["open_items"]
    review_services.review_round_withdraw(round=review_round, actor=world.lead)

    items = home_page(user=carer.user)["open_items"]

    assert open_before == []  # the round is still open: it is on the round page itself
    assert items == [review_round]
    assert items[0].changes_requested == [asked]
    assert items[0].open_comments == [comment]


def test_open_items_leave_out_modules_i_never_worked_on(world, review_round, professional):
    request_changes(review_round, professional)
    review_services.review_round_withdraw(round=review_round, actor=world.lead)
    bystander = MembershipFactory(organisation=world.organisation)

    assert home_page(user=bystander.user)["open_items"] == []


# Coming sessions


def test_coming_sessions_are_the_organisations_sessions_not_ended_soonest_first(make_world, world):
    later = _session(world, starts_in=timedelta(days=7), title="Later")
    sooner = _session(world, starts_in=timedelta(days=1), title="Sooner")
    _session(world, starts_in=-timedelta(days=2), title="Long past")
    ended = _session(world, starts_in=timedelta(days=2), title="Ended")
    session_services.session_end(session=ended, actor=world.lead)
    _session(make_world(), starts_in=timedelta(days=1), title="Another organisation's")

    shown = home_page(user=world.co_trainer.user)["coming_sessions"]

    assert [s.title for s in shown] == [sooner.title, later.title]


def test_nothing_needs_a_new_member(world):
    newcomer = MembershipFactory(organisation=world.organisation)

    page = home_page(user=newcomer.user)

    assert page["nothing_needs_you"] is True
    assert [w.pk for w in page["workshops"]] == [world.workshop.pk]


# Query count


def _home_queries(count):
    """Queries of the home page's selector for a carer with ``count`` of everything."""
    organisation, lead, carer = make_team()
    professional = MembershipFactory(organisation=organisation, perspective="professional")
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    for number in range(count):
        module = ModuleFactory(workshop=workshop, actor=lead)
        section = SectionFactory(module=module, actor=carer, body=f"Carer's words {number}")
        ended = review_services.review_round_open(
            module=module, reviewers=[carer, professional], actor=lead
        )
        request_changes(ended, professional)
        review_services.comment_add(
            round=ended, body="Earlier", section_id=section.pk, actor=professional
        )
        review_services.review_round_withdraw(round=ended, actor=lead)
        waiting = review_services.review_round_open(
            module=module, reviewers=[carer, professional], actor=lead
        )
        review_services.comment_add(
            round=waiting, body="Now", section_id=section.pk, actor=professional
        )
        session_services.session_create(
            workshop=workshop,
            title=f"Session {number}",
            starts_at=timezone.now() + timedelta(days=number + 1),
            agenda=[module],
            facilitator=lead,
            actor=lead,
        )
    with CaptureQueriesContext(connection) as queries:
        page = home_page(user=carer.user)
    assert len(page["reviews_waiting"]) == count
    assert len(page["comments_on_my_words"]) == 2 * count
    assert len(page["open_items"]) == count
    assert len(page["coming_sessions"]) == count
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_with_rounds_comments_and_sessions():
    one = _home_queries(1)

    assert _home_queries(6) == one
