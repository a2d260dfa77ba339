"""Story consent through the browser's forms: recording it, the warning about names to keep
out, withdrawing it, and an old pack's download refused with a way to make a new one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.helpers import agree_module, download, edit_section, field_errors
from workshops.enums import Role
from workshops.models import Pack, ReviewRound, Section, StoryConsent
from workshops.services import reviews as review_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_world):
    return make_world(complete=True)  # world.story has written consent for everyone


def _consent_data(**overrides):
    return {
        "teller_outside": "The family Sam met at school",
        "audience": "facilitators",
        "naming": "anonymous",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "method": "written",
        "names_to_keep_out": "Jamie",
        **overrides,
    }


def test_consent_form_says_what_is_missing_beside_the_field_and_keeps_the_rest(client_for, world):
    url = reverse("story_consent", kwargs={"pk": world.story.pk})

    response = client_for(world.lead).post(url, _consent_data(method="spoken"))

    assert response.status_code == 400
    assert field_errors(response.content.decode())["witness"]
    assert "The family Sam met at school" in response.content.decode()


def test_consent_form_saves_and_the_module_page_shows_it(client_for, world):
    client = client_for(world.lead)
    url = reverse("story_consent", kwargs={"pk": world.story.pk})

    response = client.post(url, _consent_data())

    assert response.status_code == 302
    consent = StoryConsent.objects.get(section=world.story)
    assert (consent.teller, consent.audience) == (None, "facilitators")
    page = client.get(world.module.get_absolute_url()).content.decode()
    assert "Consent: facilitators only, until" in page


def test_consent_page_is_only_for_stories(client_for, world):
    url = reverse("story_consent", kwargs={"pk": world.section.pk})

    assert client_for(world.lead).get(url).status_code == 404


def test_a_name_to_keep_out_is_warned_about_beside_the_text_and_can_be_saved_on_purpose(
    client_for, world
):
    StoryConsent.objects.filter(section=world.story).update(names_to_keep_out="Jamie\nRiver Ward")
    client = client_for(world.co_trainer)
    url = reverse("section_edit", kwargs={"pk": world.story.pk})
    data = {
        "title": world.story.title,
        "kind": "story",
        "body": "Then jamie smiled, for the first time on River Ward.",
        "audience": "everyone",
        "based_on_version": world.story.version,
    }

    response = client.post(url, data)

    assert response.status_code == 400
    errors = " ".join(field_errors(response.content.decode())["body"])
    assert "“Jamie”" in errors and "“River Ward”" in errors
    assert 'name="names_confirmed"' in response.content.decode()
    world.story.refresh_from_db()
    assert "jamie" not in world.story.body
    assert client.post(url, {**data, "names_confirmed": "on"}).status_code == 302


def test_the_teller_withdraws_and_the_old_pack_is_refused_with_a_way_to_make_a_new_one(
    client_for, world, request_pack, packs_root
):
    review_services.review_round_withdraw(round=world.review_round, actor=world.lead)
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)
    pack = request_pack(world, actor=world.lead)
    assert pack.contents["stories"] == [world.story.pk]
    assert pack.is_ready

    response = client_for(world.co_trainer).post(
        reverse("story_consent_withdraw", kwargs={"pk": world.story.pk}), {"keep_text": "keep"}
    )

    assert response.status_code == 302
    detail = client_for(world.lead).get(pack.get_absolute_url()).content.decode()
    assert "Make a new pack without it" in detail
    assert Pack.objects.filter(pk=pack.pk, state="ready").exists()  # the file is kept
    # Last: a download's response closes the test's database connection when it is closed.
    refused, _body = download(client_for(world.lead), pack)
    assert refused.status_code == 410
    html = refused.content.decode()
    assert "This pack can no longer be downloaded" in html
    assert f"“{world.story.title}”" in html
    assert reverse("pack_request", kwargs={"pk": world.workshop.pk}) in html


def test_someone_else_without_editing_rights_cannot_withdraw(client_for, world):
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    url = reverse("story_consent_withdraw", kwargs={"pk": world.story.pk})

    assert client_for(observer).get(url).status_code == 403
    assert client_for(observer).post(url, {"keep_text": "erase"}).status_code == 403
    world.story.refresh_from_db()
    assert world.story.body


def test_words_erased_at_withdrawal_are_not_shown_on_the_review_page_that_froze_them_nor_quoted(
    client_for, world
):
    words = "Pumpernickel the teddy came too."
    edit_section(world.story, words, actor=world.co_trainer)
    review_services.review_round_withdraw(round=world.review_round, actor=world.lead)
    review_services.review_round_open(
        module=world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead
    )
    frozen = ReviewRound.objects.filter(module=world.module).order_by("-number").first()
    review_services.comment_add(
        round=frozen,
        body="Lovely.",
        section_id=world.story.pk,
        quote="Pumpernickel the teddy",
        actor=world.lead,
    )
    client = client_for(world.lead)
    round_url = frozen.get_absolute_url()
    assert "Pumpernickel" in client.get(round_url).content.decode()

    client_for(world.co_trainer).post(
        reverse("story_consent_withdraw", kwargs={"pk": world.story.pk}), {"keep_text": "erase"}
    )

    page = client.get(round_url).content.decode()
    assert "Pumpernickel" not in page
    assert "asked for its words to be erased" in page
    assert frozen.version.section_snapshot(world.story.pk)["body"] == words  # still signed


def test_the_save_anyway_box_is_offered_whenever_the_names_are_refused(client_for, world):
    # A story once turned into another kind is still checked: the box must be there to say so.
    StoryConsent.objects.filter(section=world.story).update(names_to_keep_out="Jamie")
    Section.objects.filter(pk=world.story.pk).update(kind="explanation")
    url = reverse("section_edit", kwargs={"pk": world.story.pk})
    data = {
        "title": world.story.title,
        "kind": "story",
        "body": "Jamie again.",
        "audience": "everyone",
        "based_on_version": world.story.version,
    }

    response = client_for(world.co_trainer).post(url, data)

    assert response.status_code == 400
    assert 'name="names_confirmed"' in response.content.decode()
