"""Review rounds: frozen versions, decisions bound to the content hash, comments, history pages,
the agreed stamp, the contribution log, and another organisation's 404s.

Services are called directly where the rule lives in the service; pages are requested through the
test client where the person sees the result.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory
from workshops.enums import Action, CreditPreference, DecisionKind, Perspective, Role, RoundStatus
from workshops.models import (
    Comment,
    ContributionEntry,
    Decision,
    Module,
    ModuleVersion,
    ReviewRound,
)
from workshops.models.reviews import content_hash_of
from workshops.services.content import section_delete, section_update
from workshops.services.reviews import (
    comment_add,
    comment_set_resolved,
    module_snapshot,
    review_decide,
    review_round_open,
    review_round_withdraw,
)

FIRST_BODY = "Behaviour is a way of telling us something."
SECOND_BODY = "Behaviour is a way of gently telling us something."


@pytest.fixture
def review_module(world):
    """A module of its own, whatever the shared world puts on its module."""
    return ModuleFactory(workshop=world.workshop, actor=world.lead, title="Understanding behaviour")


@pytest.fixture
def review_section(review_module, carer):
    return SectionFactory(module=review_module, actor=carer, body=FIRST_BODY)


@pytest.fixture
def review_round(world, carer, professional, observer, review_module, review_section):
    return review_round_open(
        module=review_module, reviewers=[carer, professional, observer], actor=world.lead
    )


def _edit(section, body, *, actor):
    section.refresh_from_db()
    return section_update(
        section=section,
        based_on_version=section.version,
        title=section.title,
        body=body,
        kind=section.kind,
        audience=section.audience,
        actor=actor,
    )


def _approve(round, actor, content_hash=None):
    return review_decide(
        round=round,
        kind=DecisionKind.APPROVE,
        content_hash=content_hash or round.version.content_hash,
        actor=actor,
    )


def _request_changes(round, actor, reason="Please use the words families use."):
    return review_decide(
        round=round,
        kind=DecisionKind.REQUEST_CHANGES,
        content_hash=round.version.content_hash,
        reason=reason,
        actor=actor,
    )


def _fresh(round):
    return ReviewRound.objects.select_related("version", "module").get(pk=round.pk)


def _module(module):
    return Module.all_objects.get(pk=module.pk)


def _text(html):
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _element(html, start_marker, end_tag):
    """The HTML from ``start_marker`` to the first ``end_tag`` after it."""
    start = html.index(start_marker)
    return html[start : html.index(end_tag, start)]


def _inner_text(html, start_marker, end_tag):
    """The text inside the element whose opening tag holds ``start_marker``."""
    return _text(_element(html, start_marker, end_tag).split(">", 1)[1])


def _review_actions(module):
    return list(
        ContributionEntry.objects.filter(module_id=module.pk, action__startswith="review.")
        .order_by("pk")
        .values_list("action", "target_type", "target_id", "membership_id")
    )


# Opening a round freezes the text


def test_round_open_snapshot_unchanged_when_draft_edited_afterwards(
    world, review_round, carer, review_section
):
    frozen_snapshot = review_round.version.snapshot
    frozen_hash = review_round.version.content_hash

    _edit(review_section, SECOND_BODY, actor=carer)

    version = ModuleVersion.objects.get(pk=review_round.version_id)
    review_section.refresh_from_db()
    assert review_section.body == SECOND_BODY
    assert [s["body"] for s in version.snapshot["sections"]] == [FIRST_BODY]
    assert version.snapshot == frozen_snapshot
    assert version.content_hash == frozen_hash


def test_round_open_content_hash_is_hash_of_snapshot(review_round):
    version = ModuleVersion.objects.get(pk=review_round.version_id)

    assert version.content_hash == content_hash_of(version.snapshot)
    assert len(version.content_hash) == 64


def test_round_open_snapshot_leaves_out_deleted_sections(
    world, carer, review_module, review_section
):
    deleted = SectionFactory(module=review_module, actor=world.lead, title="Not any more")
    later = SectionFactory(module=review_module, actor=carer, title="Kept")
    section_delete(section=deleted, actor=world.lead)

    round = review_round_open(module=review_module, reviewers=[carer], actor=world.lead)

    sections = ModuleVersion.objects.get(pk=round.version_id).snapshot["sections"]
    assert [s["id"] for s in sections] == [review_section.pk, later.pk]


def test_round_page_after_draft_edit_shows_frozen_text(
    world, review_round, carer, client_for, review_section
):
    _edit(review_section, "Completely different words now.", actor=carer)

    response = client_for(carer).get(review_round.get_absolute_url())

    assert response.status_code == 200
    article = _element(
        response.content.decode(), f'id="frozen-section-{review_section.pk}"', "</article>"
    )
    assert _inner_text(article, 'class="section-body"', "</div>") == FIRST_BODY


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


def test_round_open_by_observer_refused(world, observer, carer, review_module):
    with pytest.raises(PermissionDenied):
        review_round_open(module=review_module, reviewers=[carer], actor=observer)

    assert ReviewRound.objects.filter(module=review_module).count() == 0


# Decisions bound to the hash


def test_decide_with_stale_hash_refused_and_nothing_written(
    world, review_round, carer, review_module, review_section
):
    # The hash of the draft as edited after the round opened: text nobody is reviewing.
    _edit(review_section, SECOND_BODY, actor=carer)
    stale_hash = content_hash_of(module_snapshot(review_module))
    entries_before = ContributionEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        _approve(review_round, carer, content_hash=stale_hash)

    assert refused.value.messages == [
        "The text you read is not the text under review. Reload the page and read it again."
    ]
    assert Decision.objects.filter(round=review_round).count() == 0
    assert ContributionEntry.objects.count() == entries_before


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


def test_decide_by_observer_refused(review_round, observer):
    with pytest.raises(PermissionDenied):
        _approve(review_round, observer)

    assert Decision.objects.filter(round=review_round).count() == 0


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


def test_decide_by_co_trainer_not_reviewer_refused(world, review_round):
    outsider_trainer = MembershipFactory(
        organisation=world.organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
    )

    with pytest.raises(ValidationError) as refused:
        _approve(review_round, outsider_trainer)

    assert refused.value.messages == ["Only the reviewers of this round can sign it off."]
    assert Decision.objects.filter(round=review_round).count() == 0


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
    textarea = _element(html, '<textarea name="reason"', ">")
    assert 'aria-describedby="reason-error"' in textarea
    assert _inner_text(html, 'id="reason-error"', "</div>") == "Please say what should change."
    assert Decision.objects.filter(round=review_round).count() == 0


def test_request_changes_without_reason_refused_by_service(review_round, carer):
    with pytest.raises(ValidationError) as refused:
        _request_changes(review_round, carer, reason="  ")

    assert refused.value.message_dict == {"reason": ["Please say what should change."]}


def test_decide_twice_while_open_keeps_one_decision_with_latest_kind(review_round, carer):
    _approve(review_round, carer)
    _request_changes(review_round, carer, reason="The story needs the parent's consent note.")

    decisions = list(Decision.objects.filter(round=review_round))
    assert len(decisions) == 1
    assert decisions[0].kind == DecisionKind.REQUEST_CHANGES
    assert decisions[0].reason == "The story needs the parent's consent note."

    _approve(review_round, carer)

    decision = Decision.objects.get(round=review_round)
    assert (decision.kind, decision.reason) == (DecisionKind.APPROVE, "")
    assert Decision.objects.filter(round=review_round).count() == 1


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


def test_decide_both_perspectives_agree_version(
    world, review_round, carer, professional, review_module
):
    _approve(review_round, carer)
    assert _fresh(review_round).status == RoundStatus.OPEN

    _approve(review_round, professional)

    round = _fresh(review_round)
    assert round.status == RoundStatus.AGREED
    assert round.closed_at is not None
    assert round.version.agreed_at is not None
    assert _module(review_module).agreed_version == round.version


def test_decide_after_agreement_refused(review_round, carer, professional):
    _approve(review_round, carer)
    _approve(review_round, professional)

    with pytest.raises(ValidationError) as refused:
        _request_changes(review_round, carer)

    assert refused.value.messages == ["This review round has ended."]
    decision = Decision.objects.get(round=review_round, membership=carer)
    assert decision.kind == DecisionKind.APPROVE
    assert _fresh(review_round).status == RoundStatus.AGREED


def test_decide_view_after_agreement_shows_round_ended(
    review_round, carer, professional, client_for
):
    _approve(review_round, carer)
    _approve(review_round, professional)

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


def test_withdraw_ends_round_without_sign_off(
    world, review_round, carer, professional, review_module
):
    _approve(review_round, carer)

    review_round_withdraw(round=review_round, actor=world.lead)

    with pytest.raises(ValidationError):
        _approve(review_round, professional)
    round = _fresh(review_round)
    assert round.status == RoundStatus.WITHDRAWN
    assert round.closed_at is not None
    assert round.version.agreed_at is None
    assert _module(review_module).agreed_version is None
    assert Decision.objects.filter(round=review_round).count() == 1


def test_withdraw_view_by_lead_withdraws(world, review_round, client_for):
    response = client_for(world.lead).post(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 302
    assert _fresh(review_round).status == RoundStatus.WITHDRAWN


def test_withdraw_view_by_observer_forbidden(review_round, observer, client_for):
    response = client_for(observer).post(reverse("review_withdraw", args=[review_round.pk]))

    assert response.status_code == 403
    assert _fresh(review_round).status == RoundStatus.OPEN


def test_withdraw_twice_refused(world, review_round):
    review_round_withdraw(round=review_round, actor=world.lead)

    with pytest.raises(ValidationError):
        review_round_withdraw(round=review_round, actor=world.lead)

    withdrawals = ContributionEntry.objects.filter(
        action=Action.REVIEW_WITHDRAW, target_id=review_round.pk
    ).count()
    assert withdrawals == 1


# Opening a second round


def test_round_open_while_round_open_without_changes_requested_refused(
    world, review_round, carer, review_module
):
    _approve(review_round, carer)

    with pytest.raises(ValidationError) as refused:
        review_round_open(module=review_module, reviewers=[carer], actor=world.lead)

    assert refused.value.messages == [
        "Round 1 is still open. Withdraw it before opening a new one."
    ]
    assert ReviewRound.objects.filter(module=review_module).count() == 1
    assert ModuleVersion.objects.filter(module=review_module).count() == 1
    assert _fresh(review_round).status == RoundStatus.OPEN


def test_round_open_with_changes_requested_closes_previous_round(
    world, review_round, carer, professional, review_module, review_section
):
    _request_changes(review_round, professional)
    _edit(review_section, SECOND_BODY, actor=carer)

    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    first = _fresh(review_round)
    assert first.status == RoundStatus.CHANGES_REQUESTED
    assert first.closed_at is not None
    assert (second.status, second.number, second.version.number) == (RoundStatus.OPEN, 2, 2)
    assert list(ReviewRound.objects.filter(module=review_module, status=RoundStatus.OPEN)) == [
        second
    ]
    assert (
        ContributionEntry.objects.filter(
            action=Action.REVIEW_CLOSE, target_id=review_round.pk
        ).count()
        == 1
    )


def test_open_round_constraint_refuses_second_open_round(world, review_round, review_module):
    version = ModuleVersion.objects.create(
        module=review_module,
        number=2,
        snapshot=review_round.version.snapshot,
        content_hash=review_round.version.content_hash,
        frozen_by=world.lead,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRound.objects.create(
            module=review_module, number=2, version=version, opened_by=world.lead
        )

    assert ReviewRound.objects.filter(module=review_module, status=RoundStatus.OPEN).count() == 1


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
    article = _element(html, f'id="frozen-section-{review_section.pk}"', "</article>")
    thread = article[article.index(f'id="comment-{comment.pk}"') :]
    assert _inner_text(thread, "<blockquote", "</blockquote>") == "“telling us”"


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


def test_comment_on_section_added_after_round_opened_refused(
    world, review_round, observer, review_module
):
    later = SectionFactory(module=review_module, actor=world.lead)

    with pytest.raises(ValidationError) as refused:
        comment_add(round=review_round, body="Hello", section_id=later.pk, actor=observer)

    assert refused.value.message_dict == {"section_id": ["That section is not part of this round."]}
    assert Comment.objects.filter(module=review_module).count() == 0


def test_comment_with_blank_body_refused(review_round, observer, review_module):
    with pytest.raises(ValidationError):
        comment_add(round=review_round, body="   ", actor=observer)

    assert Comment.objects.filter(module=review_module).count() == 0


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
    assert _review_actions(review_module)[-2:] == [
        (Action.REVIEW_RESOLVE, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REOPEN, "comment", comment.pk, carer.pk),
    ]


def test_comment_resolve_twice_logs_once(world, review_round, observer, carer):
    comment = comment_add(round=review_round, body="Typo here.", actor=observer)

    comment_set_resolved(comment=comment, resolved=True, actor=carer)
    comment_set_resolved(comment=comment, resolved=True, actor=carer)

    resolved = ContributionEntry.objects.filter(
        action=Action.REVIEW_RESOLVE, target_id=comment.pk
    ).count()
    assert resolved == 1


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
    _request_changes(review_round, professional)
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    response = client_for(carer).get(second.get_absolute_url())

    assert [t.pk for t in response.context["open_items"]] == [still_open.pk]
    items = _element(
        response.content.decode(), 'aria-labelledby="open-items-heading"', "</section>"
    )
    assert re.findall(r'href="#comment-(\d+)"', items) == [str(still_open.pk)]


def test_round_page_shows_word_diff_of_edit_between_rounds(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    _request_changes(review_round, professional)
    _edit(review_section, SECOND_BODY, actor=carer)
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )

    html = client_for(carer).get(second.get_absolute_url()).content.decode()

    diff = _element(html, 'data-testid="diff"', "</div>")
    assert [_text(i) for i in re.findall(r"<ins>(.*?)</ins>", diff, re.S)] == ["[added: gently ]"]
    assert re.findall(r"<del>(.*?)</del>", diff, re.S) == []


def test_round_page_first_round_has_no_diff(review_round, carer, client_for):
    html = client_for(carer).get(review_round.get_absolute_url()).content.decode()

    assert html.count("This is the first version to be reviewed.") == 1
    assert html.count('data-testid="diff"') == 0


def test_module_rounds_page_lists_rounds_with_decisions(
    world, review_round, carer, professional, client_for, review_module
):
    _request_changes(review_round, professional, reason="Shorter, please.")
    second = review_round_open(
        module=review_module, reviewers=[carer, professional], actor=world.lead
    )
    _approve(second, carer)

    response = client_for(carer).get(reverse("module_rounds", args=[review_module.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [r.pk for r in response.context["rounds"]] == [second.pk, review_round.pk]
    first_card = _element(html, f'id="round-{review_round.pk}"', "</section>")
    second_card = _element(html, f'id="round-{second.pk}"', "</section>")
    assert _inner_text(first_card, "<a", "</h2>") == "Round 1 (version 1) Changes requested"
    assert _inner_text(second_card, "<a", "</h2>") == "Round 2 (version 2) Open"
    assert [_text(li) for li in re.findall(r"<li>(.*?)</li>", first_card, re.S)] == [
        f"{professional.user.full_name} (professional): Request changes — “Shorter, please.”"
    ]
    assert [_text(li) for li in re.findall(r"<li>(.*?)</li>", second_card, re.S)] == [
        f"{carer.user.full_name} (family carer): Approve"
    ]


def test_module_rounds_page_compares_two_versions(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    _request_changes(review_round, professional)
    _edit(review_section, SECOND_BODY, actor=carer)
    review_round_open(module=review_module, reviewers=[carer, professional], actor=world.lead)

    response = client_for(carer).get(
        reverse("module_rounds", args=[review_module.pk]), {"old": 1, "new": 2}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert _inner_text(html, 'class="h4"', "</h2>") == "From version 1 to version 2"
    rows = response.context["comparison"]["rows"]
    assert [(r["title"], r["status"]) for r in rows] == [(review_section.title, "changed")]
    diff = _element(html, 'data-testid="diff"', "</div>")
    assert [_text(i) for i in re.findall(r"<ins>(.*?)</ins>", diff, re.S)] == ["[added: gently ]"]


# The agreed stamp


def _long_date(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local.strftime('%B')} {local.year}"


def test_module_page_shows_agreed_stamp_following_credit_preferences(
    world, review_round, carer, professional, client_for, review_module
):
    carer.credit_preference = CreditPreference.ANONYMOUS
    carer.save(update_fields=["credit_preference"])
    _approve(review_round, carer)
    _approve(review_round, professional)
    agreed_at = ModuleVersion.objects.get(pk=review_round.version_id).agreed_at

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    stamp = _inner_text(html, 'class="agreed-stamp"', "</div>")
    assert stamp == (
        f"Agreed version 1 — signed off on {_long_date(agreed_at)} by a family carer "
        f"and {professional.user.full_name} (professional)"
    )


def test_module_page_stamp_with_first_name_preference(
    world, review_round, carer, professional, client_for, review_module
):
    professional.credit_preference = CreditPreference.FIRST_NAME
    professional.save(update_fields=["credit_preference"])
    _approve(review_round, professional)
    _approve(review_round, carer)
    agreed_at = ModuleVersion.objects.get(pk=review_round.version_id).agreed_at

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    stamp = _inner_text(html, 'class="agreed-stamp"', "</div>")
    assert stamp == (
        f"Agreed version 1 — signed off on {_long_date(agreed_at)} by "
        f"{professional.user.first_name} (professional) and {carer.user.full_name} (family carer)"
    )


def test_module_page_without_agreement_has_no_stamp(
    world, review_round, carer, client_for, review_module
):
    _approve(review_round, carer)

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    assert html.count('class="agreed-stamp"') == 0


# The contribution log


def test_review_actions_each_write_contribution_entry(
    world, review_round, observer, carer, professional, review_module
):
    lead = world.lead
    comment = comment_add(round=review_round, body="A thought.", actor=observer)
    comment_set_resolved(comment=comment, resolved=True, actor=carer)
    comment_set_resolved(comment=comment, resolved=False, actor=carer)
    changes = _request_changes(review_round, professional)
    second = review_round_open(module=review_module, reviewers=[carer, professional], actor=lead)
    review_round_withdraw(round=second, actor=lead)
    third = review_round_open(module=review_module, reviewers=[carer, professional], actor=lead)
    carer_approval = _approve(third, carer)
    professional_approval = _approve(third, professional)

    assert _review_actions(review_module) == [
        (Action.REVIEW_OPEN, "reviewround", review_round.pk, lead.pk),
        (Action.REVIEW_COMMENT, "comment", comment.pk, observer.pk),
        (Action.REVIEW_RESOLVE, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REOPEN, "comment", comment.pk, carer.pk),
        (Action.REVIEW_REQUEST_CHANGES, "decision", changes.pk, professional.pk),
        (Action.REVIEW_CLOSE, "reviewround", review_round.pk, lead.pk),
        (Action.REVIEW_OPEN, "reviewround", second.pk, lead.pk),
        (Action.REVIEW_WITHDRAW, "reviewround", second.pk, lead.pk),
        (Action.REVIEW_OPEN, "reviewround", third.pk, lead.pk),
        (Action.REVIEW_APPROVE, "decision", carer_approval.pk, carer.pk),
        (Action.REVIEW_APPROVE, "decision", professional_approval.pk, professional.pk),
        (Action.REVIEW_AGREED, "reviewround", third.pk, professional.pk),
    ]


def test_review_log_entries_name_workshop_and_module(world, review_round, review_module):
    entry = ContributionEntry.objects.get(action=Action.REVIEW_OPEN, target_id=review_round.pk)

    assert (entry.workshop_id, entry.module_id) == (world.workshop.pk, review_module.pk)


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
        module=other_module, reviewers=[other_world.co_trainer], actor=other_world.lead
    )

    response = client_for(other_world.lead).post(
        reverse("comment_add", args=[other_round.pk]),
        {"body": "Replying across organisations.", "parent_id": foreign_comment.pk},
    )

    assert response.status_code == 404
    assert Comment.objects.filter(parent=foreign_comment).count() == 0
    assert Comment.objects.filter(round=other_round).count() == 0


def test_decide_by_other_organisations_member_refused(other_world, review_round):
    with pytest.raises(PermissionDenied):
        _approve(review_round, other_world.lead)

    assert Decision.objects.count() == 0


def test_round_open_with_reviewer_from_other_organisation_refused(
    world, other_world, review_module
):
    with pytest.raises(ValidationError) as refused:
        review_round_open(
            module=review_module, reviewers=[other_world.co_trainer], actor=world.lead
        )

    assert refused.value.message_dict == {
        "reviewers": ["Reviewers must be members of the organisation."]
    }
    assert ReviewRound.objects.filter(module=review_module).count() == 0


def test_round_page_shows_general_comments_and_takes_new_ones(
    world, review_round, carer, client_for
):
    comment_add(round=review_round, body="The module feels long overall.", actor=carer)
    client = client_for(world.lead)

    page = client.get(review_round.get_absolute_url()).content.decode()
    added = client.post(
        reverse("comment_add", args=[review_round.pk]), {"body": "Agreed: trim the activity."}
    )

    general = _inner_text(page, 'id="general-comments-heading"', "</section>")
    assert "The module feels long overall." in general
    assert added.status_code == 302
    assert (
        Comment.objects.filter(
            round=review_round, section_id=None, body="Agreed: trim the activity."
        ).count()
        == 1
    )
