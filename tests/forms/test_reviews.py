"""The review forms: malformed versions given to the compare form answer 400, never a 500; the
decision form's plain messages and cards; the open-round form says the sign-off rule."""

import pytest
from django.urls import reverse

from workshops.forms.reviews import DecisionForm, ReviewRoundOpenForm
from workshops.selectors.reviews import review_candidates


@pytest.mark.parametrize(
    "query",
    ["old=abc&new=1", "old=1&new=99999999999999999999", "old=%00&new=1", "old=&new="],
)
def test_section_compare_bad_versions_answer_400(client_for, world, query):
    client = client_for(world.lead)
    client.raise_request_exception = False
    url = reverse("section_compare", kwargs={"pk": world.section.pk})

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400


def test_decision_form_without_choice_says_what_to_choose():
    form = DecisionForm({"content_hash": "a" * 64, "reason": ""})

    assert form.errors == {"kind": ["Choose whether to approve or request changes."]}


def test_decision_form_cards_give_each_choice_an_explanation():
    cards = DecisionForm().kind_cards()

    assert [card["choice"].data["value"] for card in cards] == ["approve", "request_changes"]
    assert all(card["explanation"] for card in cards)


def test_round_open_form_says_the_organisations_rule(world):
    world.organisation.family_carer_approvals_needed = 2
    world.organisation.save(update_fields=["family_carer_approvals_needed"])

    form = ReviewRoundOpenForm(organisation=world.organisation)

    assert form.fields["reviewers"].help_text == (
        "To agree the module, at least 2 family carers and 1 professional who can sign off "
        "must approve it. Reviewers, observers and external supporters can comment."
    )


def test_round_open_form_labels_say_who_can_sign_off(world, observer):
    candidates = review_candidates(organisation=world.organisation)

    form = ReviewRoundOpenForm(candidates=candidates, organisation=world.organisation)

    labels = dict(form.fields["reviewers"].choices)
    assert labels[world.co_trainer.pk] == (
        f"{world.co_trainer.user.full_name} — Co-trainer, family carer (can sign off)"
    )
    assert labels[observer.pk] == (
        f"{observer.user.full_name} — Reviewer / observer, family carer (can comment)"
    )
