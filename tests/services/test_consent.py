"""Consent for lived-experience stories: recorded explicitly, required for agreement and for
each audience's packs, and withdrawable, with old packs refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pycrdt import Doc, Text

from tests.factories import MembershipFactory
from tests.helpers import agree_module, consent_for, write_section
from workshops.enums import (
    Action,
    ConsentAudience,
    ConsentMethod,
    CreditPreference,
    DecisionKind,
    PackKind,
    Role,
    SectionKind,
)
from workshops.live.rooms import TEXT_NAME
from workshops.models import (
    ContributionEntry,
    LiveDocument,
    Module,
    SectionRevision,
    StoryConsent,
)
from workshops.pdf.assemble import pack_contents, pack_html, pack_material
from workshops.selectors.consent import pack_refused_stories
from workshops.services import consent as consent_services
from workshops.services import content as content_services
from workshops.services import live as live_services
from workshops.services import packs as pack_services
from workshops.services import reviews as review_services

pytestmark = pytest.mark.django_db

STORY_WORD = "Pumpernickel"


@pytest.fixture
def story(world):
    module = world.module
    return write_section(
        module,
        actor=world.co_trainer,
        title="The night in hospital",
        kind=SectionKind.LIVED_EXPERIENCE_STORY,
        body=f"{STORY_WORD} was what we called the hospital teddy.",
    )


def _record(world, story, **overrides):
    arguments = {
        "section": story,
        "teller": world.co_trainer,
        "audience": ConsentAudience.FACILITATORS,
        "naming": CreditPreference.FIRST_NAME,
        "expires_on": timezone.localdate() + timedelta(days=90),
        "method": ConsentMethod.WRITTEN,
        "actor": world.lead,
        **overrides,
    }
    return consent_services.consent_record(**arguments)


def _pack_html(world, kind):
    contents = pack_contents(workshop=world.workshop, kind=kind)
    return pack_html(pack_material(workshop=world.workshop, kind=kind, contents=contents))


def test_consent_is_recorded_for_a_story_and_logged(world, story):
    consent = _record(world, story)

    assert consent.teller == world.co_trainer
    assert consent.recorded_by == world.lead
    entry = ContributionEntry.objects.get(action=Action.CONSENT_RECORD)
    assert (entry.target_type, entry.target_id) == ("section", story.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"teller": None}, "teller"),  # nobody named
        ({"teller_outside": "Another family"}, "teller"),  # both named
        ({"method": ConsentMethod.SPOKEN}, "witness"),
        ({"expires_on": timezone.localdate()}, "expires_on"),
    ],
)
def test_consent_must_say_whose_it_is_how_given_and_until_when(world, story, overrides, field):
    with pytest.raises(ValidationError) as error:
        _record(world, story, **overrides)

    assert field in error.value.message_dict
    assert not StoryConsent.objects.exists()


def test_only_a_story_has_consent(world):
    with pytest.raises(ValidationError):
        _record(world, world.section)


def test_a_story_without_consent_cannot_be_approved(world, story):
    round = review_services.review_round_open(
        module=world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead
    )

    with pytest.raises(ValidationError, match="without valid consent"):
        review_services.review_decide(
            round=round,
            kind=DecisionKind.APPROVE,
            content_hash=round.version.content_hash,
            actor=world.lead,
        )


def test_facilitator_only_consent_prints_in_the_facilitator_pack_and_not_the_attendee_pack(
    world, story
):
    _record(world, story, audience=ConsentAudience.FACILITATORS)
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)

    assert STORY_WORD in _pack_html(world, PackKind.FACILITATOR)
    assert STORY_WORD not in _pack_html(world, PackKind.ATTENDEE)


def test_withdrawal_leaves_the_story_out_of_new_packs_and_refuses_old_ones(
    world, story, django_capture_on_commit_callbacks
):
    consent = _record(world, story, audience=ConsentAudience.EVERYONE)
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)
    old = pack_services.pack_request(
        workshop=world.workshop, kind=PackKind.ATTENDEE, actor=world.lead
    )
    assert old.contents["stories"] == [story.pk]
    assert pack_refused_stories(pack=old) == []
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        consent_services.consent_withdraw(consent=consent, keep_text=True, actor=world.co_trainer)

    assert pack_refused_stories(pack=old) == [story.title]
    assert STORY_WORD not in _pack_html(world, PackKind.ATTENDEE)
    new = pack_services.pack_request(
        workshop=world.workshop, kind=PackKind.ATTENDEE, actor=world.lead
    )
    assert new.pk != old.pk and new.contents["stories"] == []
    assert [m.to for m in mail.outbox] == [[world.lead.user.email]]
    assert "withdrawn" in mail.outbox[0].subject
    story.refresh_from_db()
    assert STORY_WORD in story.body  # kept, as chosen


def test_withdrawal_can_erase_the_words_from_the_section_and_its_history(world, story):
    consent = _record(world, story)

    consent_services.consent_withdraw(consent=consent, keep_text=False, actor=world.co_trainer)

    story.refresh_from_db()
    assert story.body == "" and story.attribution == []
    assert not SectionRevision.objects.filter(section=story, body__contains=STORY_WORD).exists()
    assert ContributionEntry.objects.filter(action=Action.CONSENT_WITHDRAW).count() == 1


def test_ended_consent_leaves_the_story_out_and_refuses_old_packs(world, story):
    consent = _record(world, story, audience=ConsentAudience.EVERYONE)
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)
    old = pack_services.pack_request(
        workshop=world.workshop, kind=PackKind.ATTENDEE, actor=world.lead
    )

    StoryConsent.objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )

    assert pack_refused_stories(pack=old) == [story.title]
    assert STORY_WORD not in _pack_html(world, PackKind.FACILITATOR)


def test_the_person_whose_story_it_is_may_withdraw_and_others_may_not(world, story):
    observer_teller = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    consent = _record(world, story, teller=observer_teller)
    other_observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)

    with pytest.raises(PermissionDenied):
        consent_services.consent_withdraw(consent=consent, keep_text=True, actor=other_observer)
    consent_services.consent_withdraw(consent=consent, keep_text=True, actor=observer_teller)

    consent.refresh_from_db()
    assert consent.is_withdrawn and consent.withdrawn_by == observer_teller


def test_a_consent_given_again_after_withdrawal_counts(world, story):
    consent = _record(world, story, audience=ConsentAudience.EVERYONE)
    consent_services.consent_withdraw(consent=consent, keep_text=True, actor=world.lead)

    consent_for(story, teller=world.co_trainer, actor=world.lead)
    agree_module(world.module, reviewers=[world.lead, world.co_trainer], actor=world.lead)

    assert STORY_WORD in _pack_html(world, PackKind.ATTENDEE)
    assert Module.objects.get(pk=world.module.pk).agreed_version is not None


def _keep_out(story, names):
    StoryConsent.objects.filter(section=story).update(names_to_keep_out=names)


def test_a_save_naming_someone_kept_out_is_refused_until_the_person_says_so(world, story):
    _record(world, story)
    _keep_out(story, "Jamie\nRiver Ward")
    edit = {
        "section": story,
        "based_on_version": story.version,
        "title": story.title,
        "kind": SectionKind.LIVED_EXPERIENCE_STORY,
        "audience": story.audience,
        "body": "Then JAMIE smiled, for the first time on River Ward.",
        "actor": world.co_trainer,
    }

    with pytest.raises(content_services.NamesKeptOut) as refused:
        content_services.section_update(**edit)

    assert refused.value.names == ["Jamie", "River Ward"]
    story.refresh_from_db()
    assert story.version == 1
    saved = content_services.section_update(**edit, names_confirmed=True)
    assert saved.version == 2


def test_a_story_turned_into_another_kind_is_still_checked_for_names_kept_out(world, story):
    _record(world, story)
    _keep_out(story, "Jamie")

    with pytest.raises(content_services.NamesKeptOut):
        content_services.section_update(
            section=story,
            based_on_version=story.version,
            title=story.title,
            kind=SectionKind.EXPLANATION,
            audience=story.audience,
            body="Jamie's story, told as teaching.",
            actor=world.co_trainer,
        )


def test_live_typing_that_names_someone_kept_out_is_saved_and_the_room_told(world, story):
    _record(world, story)
    _keep_out(story, "Jamie")
    live_services.live_document_open(section_id=story.pk)
    browser = Doc()
    browser.apply_update(bytes(LiveDocument.objects.get(section=story).state))
    before = browser.get_state()
    text = browser.get(TEXT_NAME, type=Text)
    text.insert(len(str(text).encode()), " Jamie held it.")
    live_services.live_updates_append(
        updates=[(story.pk, world.co_trainer.pk, browser.get_update(before))]
    )

    result = live_services.live_write_back(section_id=story.pk)

    assert result.saved
    assert result.names_kept_out == ["Jamie"]
    story.refresh_from_db()
    assert story.body.endswith("Jamie held it.")
