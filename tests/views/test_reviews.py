"""The review pages: a round's frozen text, deciding, withdrawing, commenting, the module's
rounds, another organisation's 404s, the email preferences page, and query counts."""

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory, WorkshopFactory
from tests.helpers import (
    CREDIT_PREFERENCES,
    FIRST_BODY,
    SECOND_BODY,
    approve,
    edit_section,
    field_errors,
    form_values,
    html_element,
    html_inner_text,
    html_text,
    make_people,
    make_team,
    page_heading,
    query_count,
    request_changes,
    review_actions,
    round_reloaded,
)
from workshops.enums import Action, DecisionKind, Perspective, Role, RoundStatus
from workshops.models import Comment, ContributionEntry, Decision, ReviewRound
from workshops.services import content as content_services
from workshops.services import reviews as review_services
from workshops.services.members import membership_remove
from workshops.services.reviews import comment_add, comment_set_resolved, review_round_open

MANY = 20


# Opening a round freezes the text


def test_round_page_after_draft_edit_shows_frozen_text(
    world, review_round, carer, client_for, review_section
):
    edit_section(review_section, "Completely different words now.", actor=carer)

    response = client_for(carer).get(review_round.get_absolute_url())

    assert response.status_code == 200
    article = html_element(
        response.content.decode(), f'id="frozen-section-{review_section.pk}"', "</article>"
    )
    assert html_inner_text(article, 'class="section-body"', "</div>") == FIRST_BODY


def test_round_open_view_opens_round_with_chosen_reviewers(
    world, carer, professional, client_for, review_module, review_section
):
    response = client_for(world.lead).post(
        reverse("review_round_open", args=[review_module.pk]),
        {"reviewers": [carer.pk, professional.pk], "message": "Please read by Friday."},
    )

    round = ReviewRound.objects.get(module=review_module)
    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    assert round.status == RoundStatus.OPEN
    assert round.message == "Please read by Friday."
    assert sorted(r.membership_id for r in round.reviewers.all()) == sorted(
        [carer.pk, professional.pk]
    )


# Decisions bound to the hash


def test_decide_view_with_stale_hash_shows_error_and_writes_nothing(
    review_round, carer, client_for
):
    entries_before = ContributionEntry.objects.count()

    response = client_for(carer).post(
        reverse("review_decide", args=[review_round.pk]),
        {"kind": "approve", "content_hash": "0" * 64},
    )

    assert response.status_code == 400
    assert (
        response.content.decode().count(
            "The text you read is not the text under review. Reload the page and read it again."
        )
        == 1
    )
    assert Decision.objects.filter(round=review_round).count() == 0
    assert ContributionEntry.objects.count() == entries_before


def test_decide_view_by_observer_forbidden(review_round, observer, client_for):
    response = client_for(observer).post(
        reverse("review_decide", args=[review_round.pk]),
        {"kind": "approve", "content_hash": review_round.version.content_hash},
    )

    assert response.status_code == 403
    assert Decision.objects.filter(round=review_round).count() == 0


def test_round_page_for_observer_reviewer_offers_comment_not_decision(
    review_round, observer, client_for
):
    response = client_for(observer).get(review_round.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_sign_off"] is False
    assert response.context["can_comment"] is True
    assert html.count(f'action="{reverse("review_decide", args=[review_round.pk])}"') == 0
    assert html.count("Your role lets you comment on this round, not sign it off.") == 1


def test_comment_view_by_observer_added(world, review_round, observer, client_for, review_section):
    response = client_for(observer).post(
        reverse("comment_add", args=[review_round.pk]),
        {"body": "Could we add a story here?", "section_id": review_section.pk},
    )

    comment = Comment.objects.get(round=review_round)
    assert response.status_code == 302
    assert response["Location"] == review_round.get_absolute_url() + f"#comment-{comment.pk}"
    assert (comment.author, comment.body) == (observer, "Could we add a story here?")


def test_decide_view_by_co_trainer_not_reviewer_shows_why(world, review_round, client_for):
    outsider_trainer = MembershipFactory(
        organisation=world.organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
    )

    response = client_for(outsider_trainer).post(
        reverse("review_decide", args=[review_round.pk]),
        {"kind": "approve", "content_hash": review_round.version.content_hash},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Only the reviewers of this round can sign it off.") == 1
    assert Decision.objects.filter(round=review_round).count() == 0


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_request_changes_view_without_reason_shows_error_beside_field(
    review_round, carer, client_for, reason
):
    response = client_for(carer).post(
        reverse("review_decide", args=[review_round.pk]),
        {
            "kind": "request_changes",
            "reason": reason,
            "content_hash": review_round.version.content_hash,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    textarea = html_element(html, '<textarea name="reason"', ">")
    assert 'aria-describedby="reason-error"' in textarea
    assert html_inner_text(html, 'id="reason-error"', "</div>") == "Please say what should change."
    assert Decision.objects.filter(round=review_round).count() == 0


def test_decide_view_change_of_mind_updates_decision(review_round, carer, client_for):
    client = client_for(carer)
    url = reverse("review_decide", args=[review_round.pk])
    content_hash = review_round.version.content_hash

    first = client.post(
        url, {"kind": "request_changes", "reason": "Too long.", "content_hash": content_hash}
    )
    assert first.status_code == 302
    assert Decision.objects.get(round=review_round).kind == DecisionKind.REQUEST_CHANGES

    response = client.post(url, {"kind": "approve", "content_hash": content_hash})

    assert response.status_code == 302
    decision = Decision.objects.get(round=review_round)
    assert (decision.kind, decision.membership) == (DecisionKind.APPROVE, carer)


def test_decide_view_after_agreement_shows_round_ended(
    review_round, carer, professional, client_for
):
    approve(review_round, carer)
    approve(review_round, professional)

    response = client_for(carer).post(
        reverse("review_decide", args=[review_round.pk]),
        {
            "kind": "request_changes",
            "reason": "Wait!",
            "content_hash": review_round.version.content_hash,
        },
    )

    assert response.status_code == 400
    assert response.content.decode().count("This review round has ended.") == 1
    assert Decision.objects.get(round=review_round, membership=carer).kind == DecisionKind.APPROVE


def test_withdraw_view_by_lead_withdraws(world, review_round, client_for):
    response = client_for(world.lead).post(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 302
    assert round_reloaded(review_round).status == RoundStatus.WITHDRAWN


def test_withdraw_view_by_observer_forbidden(review_round, observer, client_for):
    response = client_for(observer).post(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 403
    assert round_reloaded(review_round).status == RoundStatus.OPEN


def test_withdraw_confirmation_page_explains_and_changes_nothing(world, review_round, client_for):
    entries_before = ContributionEntry.objects.count()

    response = client_for(world.lead).get(reverse("review_withdraw", args=[review_round.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert page_heading(response) == (
        "Are you sure you want to withdraw round 1 of “Understanding behaviour”?"
    )
    assert html.count("Decisions already given stay in the round's history") == 1
    form = html_element(html, '<form method="post">', "</form>")
    assert html_text(html_element(form, "<button", "</button>")) == "Withdraw this round"
    assert 'name="csrfmiddlewaretoken"' in form
    assert round_reloaded(review_round).status == RoundStatus.OPEN
    assert ContributionEntry.objects.count() == entries_before


def test_withdraw_confirmation_page_by_observer_forbidden(review_round, observer, client_for):
    response = client_for(observer).get(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 403


def test_withdraw_confirmation_page_of_ended_round_goes_back_to_round(
    world, review_round, client_for
):
    review_services.review_round_withdraw(round=review_round, actor=world.lead)
    client = client_for(world.lead)

    response = client.get(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 302
    assert response["Location"] == review_round.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert page.count("This round has already ended, so there is nothing to withdraw.") == 1


def test_round_page_withdraw_is_a_link_apart_below_the_decision(world, review_round, client_for):
    # The lead reviews as well, so the page has both the decision and the withdrawal.
    review_round.reviewers.create(membership=world.lead)

    html = client_for(world.lead).get(review_round.get_absolute_url()).content.decode()

    withdraw_url = reverse("review_withdraw", args=[review_round.pk])
    assert html.count(f'action="{withdraw_url}"') == 0
    section = html_element(html, 'class="withdraw-round"', "</section>")
    assert html_text(html_element(section, "<h2", "</h2>")) == "Withdraw this round"
    assert section.count(f'href="{withdraw_url}"') == 1
    assert html.index('id="decide"') < html.index('class="withdraw-round"')


def test_round_page_without_edit_right_has_no_withdraw_section(review_round, observer, client_for):
    html = client_for(observer).get(review_round.get_absolute_url()).content.decode()

    assert html.count('class="withdraw-round"') == 0


# The text first, then the decision as choice cards


def test_round_page_shows_the_text_before_the_decision(
    review_round, carer, client_for, review_section
):
    html = client_for(carer).get(review_round.get_absolute_url()).content.decode()

    text = html.index(f'id="frozen-section-{review_section.pk}"')
    assert text < html.index('id="signoff-heading"') < html.index('id="decide"')
    assert html.index('href="#decide"') < text


def test_round_page_decision_choices_are_cards_with_explanations(review_round, carer, client_for):
    html = client_for(carer).get(review_round.get_absolute_url()).content.decode()

    fieldset = html_element(html, 'id="id_kind"', "</fieldset>")
    cards = fieldset.split('<label class="choice-card"')[1:]
    titles = [html_inner_text(card, 'class="choice-card-title"', "<span") for card in cards]
    assert titles == ["Approve", "Request changes"]
    # "Chosen" is shown with the check, so the state never rests on colour alone.
    assert [card.count('class="choice-card-chosen"') for card in cards] == [1, 1]
    assert [html_element(card, "<input", ">").count('type="radio"') for card in cards] == [1, 1]
    assert all(card.count('class="choice-card-hint"') == 1 for card in cards)
    assert fieldset.count("checked") == 0


def test_round_page_after_deciding_marks_chosen_card_checked(review_round, carer, client_for):
    request_changes(review_round, carer, reason="Shorter, please.")

    html = client_for(carer).get(review_round.get_absolute_url()).content.decode()

    fieldset = html_element(html, 'id="id_kind"', "</fieldset>")
    checked = [
        value
        for value in ("approve", "request_changes")
        if " checked" in html_element(fieldset, f'value="{value}"', ">")
    ]
    assert checked == ["request_changes"]
    assert html_text(html_element(fieldset, "<legend", "</legend>")) == "Change your decision"
    assert html_inner_text(html, '<textarea name="reason"', "</textarea>") == "Shorter, please."


def test_decide_view_without_choice_shows_error_summary_and_keeps_reason(
    review_round, carer, client_for
):
    response = client_for(carer).post(
        reverse("review_decide", args=[review_round.pk]),
        {"reason": "I am not sure yet.", "content_hash": review_round.version.content_hash},
    )

    html = response.content.decode()
    assert response.status_code == 400
    summary = html_element(html, 'class="error-summary', "</div>")
    assert html_text(html_element(summary, '<a href="#id_kind"', "</a>")) == (
        "Your decision: Choose whether to approve or request changes."
    )
    assert html.index('class="error-summary') < html.index("<h1")
    fieldset = html_element(html, 'id="id_kind"', ">")
    assert 'aria-describedby="kind-error"' in fieldset
    assert html_inner_text(html, 'id="kind-error"', "</span>") == (
        "Choose whether to approve or request changes."
    )
    assert form_values(html, "reason")["reason"] == "I am not sure yet."
    assert Decision.objects.filter(round=review_round).count() == 0


def test_decide_view_request_changes_without_reason_links_summary_to_reason(
    review_round, carer, client_for
):
    response = client_for(carer).post(
        reverse("review_decide", args=[review_round.pk]),
        {"kind": "request_changes", "content_hash": review_round.version.content_hash},
    )

    html = response.content.decode()
    assert response.status_code == 400
    summary = html_element(html, 'class="error-summary', "</div>")
    assert html_text(html_element(summary, '<a href="#id_reason"', "</a>")).endswith(
        ": Please say what should change."
    )
    assert html.count('id="id_reason"') == 1
    assert form_values(html, "reason")["kind"] == "request_changes"


# Rounds that could never be agreed


def test_round_open_view_without_family_carer_refused_beside_field_and_in_summary(
    world, professional, observer, client_for, review_module, review_section
):
    entries_before = ContributionEntry.objects.count()

    response = client_for(world.lead).post(
        reverse("review_round_open", args=[review_module.pk]),
        {"reviewers": [professional.pk, observer.pk], "message": "Please read by Friday."},
    )

    html = response.content.decode()
    message = "Add at least one family carer who can sign off."
    assert response.status_code == 400
    assert field_errors(html) == {"reviewers": [message]}
    summary = html_element(html, 'class="error-summary', "</div>")
    assert html_text(html_element(summary, '<a href="#id_reviewers"', "</a>")) == (
        f"Who should review: {message}"
    )
    assert html.count('id="id_reviewers"') == 1
    group = html_element(html, 'id="id_reviewers"', "</fieldset>")
    assert "has-error" in html_element(group, "class=", ">")
    boxes = group.split('type="checkbox"')[1:]
    assert [box.split(">", 1)[0].count('aria-invalid="true"') for box in boxes] == [1] * 4
    values = form_values(html, "message")
    assert values["message"] == "Please read by Friday."
    assert sorted(int(pk) for pk in values["reviewers"]) == sorted([professional.pk, observer.pk])
    assert ReviewRound.objects.filter(module=review_module).count() == 0
    assert ContributionEntry.objects.count() == entries_before


def test_round_open_view_without_reviewers_shows_error_summary(
    world, client_for, review_module, review_section
):
    response = client_for(world.lead).post(
        reverse("review_round_open", args=[review_module.pk]), {"message": "Hello"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert field_errors(html) == {"reviewers": ["Choose at least one reviewer."]}
    assert html.count('<a href="#id_reviewers"') == 1


def test_round_open_page_says_the_rule_and_who_can_sign_off(
    world, observer, client_for, review_module, review_section
):
    world.organisation.professional_approvals_needed = 2
    world.organisation.save(update_fields=["professional_approvals_needed"])

    response = client_for(world.lead).get(reverse("review_round_open", args=[review_module.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html_inner_text(html, 'id="reviewers-hint"', "</p>") == (
        "To agree the module, at least 1 family carer and 2 professionals who can sign off "
        "must approve it. Reviewers, observers and external supporters can comment."
    )
    labels = {html_inner_text(html, f'for="id_reviewers_{n}"', "</label>") for n in range(3)}
    assert f"{observer.user.full_name} — Reviewer / observer, family carer (can comment)" in labels
    form = html_element(html, '<form method="post" novalidate', "</form>")
    assert html_text(html_element(form, "<button", "</button>")) == "Open the review round"


def test_round_page_after_only_professional_removed_says_it_cannot_be_agreed(
    world, review_round, professional, client_for
):
    membership_remove(membership=professional, actor=world.lead)

    html = client_for(world.lead).get(review_round.get_absolute_url()).content.decode()

    warning = html_inner_text(html, 'id="cannot-be-agreed"', "</div>")
    assert warning.startswith("This round can no longer be agreed:")
    assert "It still needs 1 approval from a professional who can sign off." in warning
    assert "family carer who can sign off" not in warning
    reviewers = html_element(html, '<h3 class="h6">Reviewers</h3>', "</ul>")
    assert reviewers.count("(professional, no longer in the organisation)") == 1
    assert reviewers.count("(family carer, comments but cannot sign off)") == 1


def test_round_page_with_reviewers_able_to_agree_has_no_warning(world, review_round, client_for):
    html = client_for(world.lead).get(review_round.get_absolute_url()).content.decode()

    assert html.count('id="cannot-be-agreed"') == 0


# Comments


def test_comment_on_section_keeps_anchor_and_quote(
    world, review_round, observer, client_for, review_section
):
    client = client_for(observer)
    client.post(
        reverse("comment_add", args=[review_round.pk]),
        {
            "body": "Say 'telling' more gently.",
            "quote": "telling us",
            "section_id": review_section.pk,
        },
    )

    comment = Comment.objects.get(round=review_round)
    assert (comment.section_id, comment.quote, comment.parent) == (
        review_section.pk,
        "telling us",
        None,
    )
    html = client.get(review_round.get_absolute_url()).content.decode()
    article = html_element(html, f'id="frozen-section-{review_section.pk}"', "</article>")
    thread = article[article.index(f'id="comment-{comment.pk}"') :]
    assert html_inner_text(thread, "<blockquote", "</blockquote>") == "“telling us”"


def test_comment_reply_threads_under_parent(
    world, review_round, observer, carer, client_for, review_section
):
    parent = comment_add(
        round=review_round,
        body="Could we add a story here?",
        section_id=review_section.pk,
        quote="telling us",
        actor=observer,
    )

    response = client_for(carer).post(
        reverse("comment_add", args=[review_round.pk]),
        {"body": "Yes, I have one from last year.", "parent_id": parent.pk},
    )

    reply = Comment.objects.get(parent=parent)
    assert response.status_code == 302
    assert (reply.section_id, reply.quote, reply.author) == (review_section.pk, "", carer)
    page = client_for(carer).get(review_round.get_absolute_url())
    (section,) = page.context["sections"]
    assert [t.pk for t in section["threads"]] == [parent.pk]
    assert [r.pk for r in section["threads"][0].thread] == [reply.pk]


def test_comment_resolve_then_reopen(
    review_round, observer, carer, client_for, review_module, review_section
):
    comment = comment_add(
        round=review_round, body="Typo here.", section_id=review_section.pk, actor=observer
    )
    client = client_for(carer)
    url = reverse("comment_resolve", args=[comment.pk])

    response = client.post(url, {"resolved": "1"})
    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.resolved_at is not None
    assert comment.resolved_by == carer

    client.post(url, {"resolved": "0"})
    comment.refresh_from_db()
    assert (comment.resolved_at, comment.resolved_by) == (None, None)
    assert review_actions(review_module)[-2:] == [
        (Action.REVIEW_RESOLVE, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REOPEN, "comment", comment.pk, carer.pk),
    ]


def test_round_page_lists_unresolved_comments_from_earlier_round_as_open_items(
    world, review_round, observer, carer, professional, client_for, review_module, review_section
):
    still_open = comment_add(
        round=review_round, body="Add a sleep story.", section_id=review_section.pk, actor=observer
    )
    done = comment_add(
        round=review_round, body="Fix the typo.", section_id=review_section.pk, actor=observer
    )
    comment_set_resolved(comment=done, resolved=True, actor=carer)
    request_changes(review_round, professional)
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    response = client_for(carer).get(second.get_absolute_url())

    assert [t.pk for t in response.context["open_items"]] == [still_open.pk]
    items = html_element(
        response.content.decode(), 'aria-labelledby="open-items-heading"', "</section>"
    )
    assert re.findall(r'href="#comment-(\d+)"', items) == [str(still_open.pk)]


def test_round_page_shows_word_diff_of_edit_between_rounds(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    request_changes(review_round, professional)
    edit_section(review_section, SECOND_BODY, actor=carer)
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    html = client_for(carer).get(second.get_absolute_url()).content.decode()

    diff = html_element(html, 'data-testid="diff"', "</div>")
    assert [html_text(i) for i in re.findall(r"<ins>(.*?)</ins>", diff, re.S)] == [
        "[added: gently ]"
    ]
    assert re.findall(r"<del>(.*?)</del>", diff, re.S) == []


def test_round_page_word_diff_is_on_the_formatted_text(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    request_changes(review_round, professional)
    edit_section(review_section, "## A calm start\n\nBreathe **slowly** first.", actor=carer)
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    html = client_for(carer).get(second.get_absolute_url()).content.decode()

    diff = html_element(html, 'data-testid="diff"', "</div>")
    # The heading and the bold word are shown formatted, never as markup.
    assert "<h" in diff and "<strong>" in diff
    assert "##" not in diff and "**" not in diff


def test_round_page_first_round_has_no_diff(review_round, carer, client_for):
    html = client_for(carer).get(review_round.get_absolute_url()).content.decode()

    assert html.count("This is the first version to be reviewed.") == 1
    assert html.count('data-testid="diff"') == 0


def test_module_rounds_page_lists_rounds_with_decisions(
    world, review_round, carer, professional, client_for, review_module
):
    request_changes(review_round, professional, reason="Shorter, please.")
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )
    approve(second, carer)

    response = client_for(carer).get(reverse("module_rounds", args=[review_module.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [r.pk for r in response.context["rounds"]] == [second.pk, review_round.pk]
    first_card = html_element(html, f'id="round-{review_round.pk}"', "</section>")
    second_card = html_element(html, f'id="round-{second.pk}"', "</section>")
    assert html_inner_text(first_card, "<a", "</h2>") == "Round 1 (version 1) Changes requested"
    assert html_inner_text(second_card, "<a", "</h2>") == "Round 2 (version 2) Open"
    assert [html_text(li) for li in re.findall(r"<li>(.*?)</li>", first_card, re.S)] == [
        f"{professional.user.full_name} (professional): Request changes — “Shorter, please.”"
    ]
    assert [html_text(li) for li in re.findall(r"<li>(.*?)</li>", second_card, re.S)] == [
        f"{carer.user.full_name} (family carer): Approve"
    ]


def test_module_rounds_page_compares_two_versions(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    request_changes(review_round, professional)
    edit_section(review_section, SECOND_BODY, actor=carer)
    review_round_open(module=review_module, reviewers=[carer, professional], actor=world.lead)

    response = client_for(carer).get(
        reverse("module_rounds", args=[review_module.pk]), {"old": 1, "new": 2}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html_inner_text(html, 'class="h4"', "</h2>") == "From version 1 to version 2"
    rows = response.context["comparison"]["rows"]
    assert [(r["title"], r["status"]) for r in rows] == [(review_section.title, "changed")]
    diff = html_element(html, 'data-testid="diff"', "</div>")
    assert [html_text(i) for i in re.findall(r"<ins>(.*?)</ins>", diff, re.S)] == [
        "[added: gently ]"
    ]


def test_round_page_shows_general_comments_and_takes_new_ones(
    world, review_round, carer, client_for
):
    comment_add(round=review_round, body="The module feels long overall.", actor=carer)
    client = client_for(world.lead)

    page = client.get(review_round.get_absolute_url()).content.decode()
    added = client.post(
        reverse("comment_add", args=[review_round.pk]), {"body": "Agreed: trim the activity."}
    )

    general = html_inner_text(page, 'id="general-comments-heading"', "</section>")
    assert "The module feels long overall." in general
    assert added.status_code == 302
    assert (
        Comment.objects.filter(
            round=review_round, section_id=None, body="Agreed: trim the activity."
        ).count()
        == 1
    )


# Another organisation


def _foreign_requests(round, comment):
    review_module = round.module
    review_section_id = round.version.sections[0]["id"]
    content_hash = round.version.content_hash
    return {
        "review_round_detail": ("get", reverse("review_round_detail", args=[round.pk]), {}),
        "review_decide": (
            "post",
            reverse("review_decide", args=[round.pk]),
            {"kind": "approve", "content_hash": content_hash},
        ),
        "review_withdraw": ("post", reverse("review_withdraw", args=[round.pk]), {}),
        "review_withdraw_confirm": ("get", reverse("review_withdraw", args=[round.pk]), {}),
        "comment_add": (
            "post",
            reverse("comment_add", args=[round.pk]),
            {"body": "Not yours to comment on.", "section_id": review_section_id},
        ),
        "comment_reply": (
            "post",
            reverse("comment_add", args=[round.pk]),
            {"body": "Not yours to reply to.", "parent_id": comment.pk},
        ),
        "comment_resolve": (
            "post",
            reverse("comment_resolve", args=[comment.pk]),
            {"resolved": "1"},
        ),
        "module_rounds": ("get", reverse("module_rounds", args=[review_module.pk]), {}),
        "module_rounds_compare": (
            "get",
            reverse("module_rounds", args=[review_module.pk]),
            {"old": 1, "new": 1},
        ),
        "review_round_open_get": ("get", reverse("review_round_open", args=[review_module.pk]), {}),
        "review_round_open_post": (
            "post",
            reverse("review_round_open", args=[review_module.pk]),
            {"reviewers": [round.opened_by.pk]},
        ),
    }


FOREIGN_REQUESTS = [
    "review_round_detail",
    "review_decide",
    "review_withdraw",
    "review_withdraw_confirm",
    "comment_add",
    "comment_reply",
    "comment_resolve",
    "module_rounds",
    "module_rounds_compare",
    "review_round_open_get",
    "review_round_open_post",
]


@pytest.mark.parametrize("name", FOREIGN_REQUESTS)
def test_review_url_from_other_organisation_not_found(
    other_world, review_round, observer, client_for, name, review_module, review_section
):
    comment = comment_add(
        round=review_round, body="Private thought.", section_id=review_section.pk, actor=observer
    )
    method, url, data = _foreign_requests(review_round, comment)[name]
    entries_before = ContributionEntry.objects.count()

    response = getattr(client_for(other_world.lead), method)(url, data)

    assert response.status_code == 404
    assert ContributionEntry.objects.count() == entries_before
    assert list(Comment.objects.filter(module=review_module)) == [comment]
    assert Decision.objects.count() == 0
    assert list(ReviewRound.objects.filter(module=review_module).values_list("pk", "status")) == [
        (review_round.pk, RoundStatus.OPEN)
    ]
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_comment_reply_to_other_organisations_comment_not_found(
    other_world, review_round, observer, client_for
):
    foreign_comment = comment_add(round=review_round, body="Private thought.", actor=observer)
    other_module = ModuleFactory(workshop=other_world.workshop, actor=other_world.lead)
    SectionFactory(module=other_module, actor=other_world.lead)
    other_round = review_round_open(
        module=other_module,
        reviewers=[other_world.lead, other_world.co_trainer],
        actor=other_world.lead,
    )

    response = client_for(other_world.lead).post(
        reverse("comment_add", args=[other_round.pk]),
        {"body": "Replying across organisations.", "parent_id": foreign_comment.pk},
    )

    assert response.status_code == 404
    assert Comment.objects.filter(parent=foreign_comment).count() == 0
    assert Comment.objects.filter(round=other_round).count() == 0


# The email preferences page


def _checkbox(html):
    start = html.index('name="email_notifications"')
    return html[html.rindex("<input", 0, start) : html.index(">", start) + 1]


def test_notification_preferences_page_turns_emails_off_and_on(carer, client_for):
    client = client_for(carer)
    url = reverse("notification_preferences")
    assert _checkbox(client.get(url).content.decode()).count("checked") == 1

    response = client.post(url, {})

    carer.user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url
    assert carer.user.email_notifications is False
    assert _checkbox(client.get(url).content.decode()).count("checked") == 0

    client.post(url, {"email_notifications": "on"})

    carer.user.refresh_from_db()
    assert carer.user.email_notifications is True


def test_notification_preferences_page_needs_sign_in(client):
    response = client.get(reverse("notification_preferences"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Query counts


def _decide(round, actor, kind=DecisionKind.APPROVE):
    return review_services.review_decide(
        round=round,
        kind=kind,
        content_hash=round.version.content_hash,
        reason="Please use the words families use." if kind == DecisionKind.REQUEST_CHANGES else "",
        actor=actor,
    )


def _comment_threads(round, sections, commenters, repliers, count):
    """``count`` comment threads (on the sections in turn, one general), each with a reply,
    every other one resolved."""
    for number in range(count):
        section_id = sections[number % len(sections)].pk if number else None
        comment = review_services.comment_add(
            round=round,
            body=f"Comment {number}",
            section_id=section_id,
            quote="these words" if number % 2 else "",
            actor=commenters[number % len(commenters)],
        )
        review_services.comment_add(
            round=round,
            body=f"Reply {number}",
            parent=comment,
            actor=repliers[number % len(repliers)],
        )
        if number % 2:
            review_services.comment_set_resolved(
                comment=comment, resolved=True, actor=repliers[number % len(repliers)]
            )


def _review_round_page(client_for, count):
    """The second round of a module of ``count`` sections, with ``count`` reviewers who each
    decided, ``count`` comment threads with replies, and ``count`` open items from round 1."""
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    sections = [
        SectionFactory(module=module, actor=carer if n % 2 else lead, body=f"Words {n}")
        for n in range(count)
    ]
    reviewers = make_people(organisation, count)
    first = review_services.review_round_open(
        module=module, reviewers=[lead, carer, *reviewers], actor=lead
    )
    _comment_threads(first, sections, reviewers, [lead, carer], count)
    _decide(first, reviewers[0], DecisionKind.REQUEST_CHANGES)
    for number, section in enumerate(sections):
        section.refresh_from_db()
        content_services.section_update(
            section=section,
            based_on_version=section.version,
            title=section.title,
            body=f"{section.body} and more {number}",
            kind=section.kind,
            audience=section.audience,
            actor=carer,
        )
    SectionFactory(module=module, actor=carer, body="A new section")
    second = review_services.review_round_open(
        module=module, reviewers=[lead, carer, *reviewers], actor=lead
    )
    _comment_threads(second, sections, reviewers, [lead, carer], count)
    # Requests for changes keep the round open, so every reviewer can decide.
    for reviewer in reviewers:
        _decide(second, reviewer, DecisionKind.REQUEST_CHANGES)
    _decide(second, lead, DecisionKind.REQUEST_CHANGES)
    url = reverse("review_round_detail", args=[second.pk])
    return query_count(client_for(lead), url)


def _agreed_round_page(client_for, count):
    """An agreed round signed off by ``count`` approvers (the stamp lists them all)."""
    organisation, lead, carer = make_team()
    organisation.family_carer_approvals_needed = count
    organisation.save(update_fields=["family_carer_approvals_needed"])
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    SectionFactory(module=module, actor=carer)
    carers = [
        MembershipFactory(
            organisation=organisation,
            perspective=Perspective.FAMILY_CARER,
            credit_preference=CREDIT_PREFERENCES[n % len(CREDIT_PREFERENCES)],
        )
        for n in range(count)
    ]
    round = review_services.review_round_open(module=module, reviewers=[lead, *carers], actor=lead)
    _decide(round, lead)
    for person in carers:
        _decide(round, person)
    round.refresh_from_db()
    assert round.status == "agreed"
    return query_count(client_for(carer), reverse("review_round_detail", args=[round.pk]))


def _module_rounds_page(client_for, count):
    """``count`` rounds, each with two reviewers, a decision and a comment."""
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    section = SectionFactory(module=module, actor=carer, body="Words 0")
    people = make_people(organisation, count)
    for number in range(count):
        round = review_services.review_round_open(
            module=module, reviewers=[people[number], carer, lead], actor=lead
        )
        review_services.comment_add(
            round=round, body=f"Comment {number}", section_id=section.pk, actor=people[number]
        )
        _decide(round, people[number], DecisionKind.REQUEST_CHANGES)
        section.refresh_from_db()
        content_services.section_update(
            section=section,
            based_on_version=section.version,
            title=section.title,
            body=f"Words {number + 1}",
            kind=section.kind,
            audience=section.audience,
            actor=carer,
        )
    assert module.review_rounds.count() == count
    return query_count(client_for(carer), reverse("module_rounds", args=[module.pk]))


def test_review_round_page_queries_do_not_grow_with_sections_comments_or_reviewers(client_for):
    assert _review_round_page(client_for, 1) == _review_round_page(client_for, MANY)


def test_agreed_review_round_page_queries_do_not_grow_with_signatories(client_for):
    assert _agreed_round_page(client_for, 1) == _agreed_round_page(client_for, MANY)


def test_module_rounds_page_queries_do_not_grow_with_rounds(client_for):
    assert _module_rounds_page(client_for, 1) == _module_rounds_page(client_for, MANY)
