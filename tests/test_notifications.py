"""Review emails: who gets them, what they say, and that they only leave after the change commits.
(The page where a person turns them off is tested in tests/views/test_reviews.py.)

The services enqueue their emails with ``transaction.on_commit``; the tests run those callbacks
with ``django_capture_on_commit_callbacks(execute=True)`` and Celery runs the task in-process.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import ModuleFactory, SectionFactory
from tests.helpers import consent_for
from workshops import notifications
from workshops.enums import DecisionKind, SectionKind
from workshops.models import ReviewRound
from workshops.services.consent import consent_withdraw
from workshops.services.content import section_delete
from workshops.services.members import membership_remove
from workshops.services.reviews import comment_add, review_decide, review_round_open
from workshops.tasks import consent_endings_notify, review_reminders_send

# Family carers write like people talk: apostrophes, quotes and ampersands must reach a
# plain-text email as typed, not as HTML entities.
MODULE_TITLE = "Sleep, food & routines"
COMMENT_BODY = "Could we say he's “telling us” something, not that he's 'naughty'?"
COMMENT_QUOTE = "it's his way of telling us"
REASON = "Please don't call it 'bad behaviour' & add the parent's view."


def _module(world, title=MODULE_TITLE):
    """A module written by the lead and the family-carer co-trainer: its two authors."""
    module = ModuleFactory(workshop=world.workshop, actor=world.lead, title=title)
    SectionFactory(module=module, actor=world.co_trainer, body="What behaviour can tell us.")
    SectionFactory(module=module, actor=world.lead, body="Keeping a sleep diary.")
    return module


@pytest.fixture
def module(world):
    return _module(world)


@pytest.fixture
def round(world, module, carer, professional, observer):
    """An open round; its own opening emails are not part of what the tests look at."""
    return review_round_open(
        module=module, reviewers=[carer, professional, observer], actor=world.lead
    )


def _emails(subject):
    return [m for m in mail.outbox if m.subject == subject]


def _recipients(messages):
    return sorted(address for m in messages for address in m.to)


def _emails_of(*memberships):
    return sorted(m.user.email for m in memberships)


def _approve(round, actor):
    return review_decide(
        round=round, kind=DecisionKind.APPROVE, content_hash=round.version.content_hash, actor=actor
    )


# Opening a round


def test_round_open_emails_each_reviewer_with_link(
    world, module, carer, professional, observer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = review_round_open(
            module=module, reviewers=[carer, professional, observer], actor=world.lead
        )

    link = settings.SITE_URL.rstrip("/") + f"/rounds/{round.pk}/"
    assert _recipients(mail.outbox) == _emails_of(carer, professional, observer)
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.subject == f"Please review “{MODULE_TITLE}” (round 1)"
        assert message.body.splitlines().count(link) == 1
        assert [alternative.mimetype for alternative in message.alternatives] == ["text/html"]
        assert message.alternatives[0].content.count(f'href="{link}"') == 1


def test_round_open_email_text_keeps_module_title_as_typed(
    world, module, carer, professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_round_open(module=module, reviewers=[carer, professional], actor=world.lead)

    (message,) = [m for m in mail.outbox if m.to == [carer.user.email]]
    assert message.body.count(f"review “{MODULE_TITLE}” in {world.workshop.title}") == 1
    assert message.body.count("&amp;") == 0


def test_round_open_email_not_sent_to_reviewer_who_turned_emails_off(
    world, module, carer, professional, observer, django_capture_on_commit_callbacks
):
    observer.user.email_notifications = False
    observer.user.save(update_fields=["email_notifications"])

    with django_capture_on_commit_callbacks(execute=True):
        review_round_open(
            module=module, reviewers=[carer, professional, observer], actor=world.lead
        )

    assert _recipients(mail.outbox) == _emails_of(carer, professional)


def test_round_open_rolled_back_sends_nothing(
    world, module, carer, professional, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review_round_open(module=module, reviewers=[carer, professional], actor=world.lead)
        raise RuntimeError("Something failed after the round was written.")

    assert callbacks == []
    assert mail.outbox == []
    assert ReviewRound.objects.filter(module=module).count() == 0


# Comments and decisions


def test_comment_emails_module_authors_except_commenter(
    world, round, carer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(round=round, body=COMMENT_BODY, quote=COMMENT_QUOTE, actor=carer)

    # The carer wrote a section too, but does not hear about their own comment.
    assert _recipients(mail.outbox) == _emails_of(world.lead)
    (message,) = mail.outbox
    assert message.subject == f"New comment on “{MODULE_TITLE}”"


def test_comment_email_text_has_comment_and_quote_as_typed(
    world, round, carer, observer, django_capture_on_commit_callbacks
):
    section_id = round.version.sections[0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_add(
            round=round,
            body=COMMENT_BODY,
            quote=COMMENT_QUOTE,
            section_id=section_id,
            actor=observer,
        )

    assert _recipients(mail.outbox) == _emails_of(world.lead, carer)
    link = settings.SITE_URL.rstrip("/") + f"/rounds/{round.pk}/#comment-{comment.pk}"
    for message in mail.outbox:
        lines = message.body.splitlines()
        assert lines.count(COMMENT_BODY) == 1
        assert lines.count(f"  “{COMMENT_QUOTE}”") == 1
        assert lines.count(link) == 1
        html = message.alternatives[0].content
        assert html.count("he&#x27;s “telling us” something") == 1


def test_comment_email_not_sent_to_removed_author(
    world, round, carer, observer, django_capture_on_commit_callbacks
):
    membership_remove(membership=carer, actor=world.lead)

    with django_capture_on_commit_callbacks(execute=True):
        comment_add(round=round, body=COMMENT_BODY, actor=observer)

    assert _recipients(mail.outbox) == _emails_of(world.lead)


def test_comment_email_not_sent_to_author_who_turned_emails_off(
    world, round, carer, observer, django_capture_on_commit_callbacks
):
    carer.user.email_notifications = False
    carer.user.save(update_fields=["email_notifications"])

    with django_capture_on_commit_callbacks(execute=True):
        comment_add(round=round, body=COMMENT_BODY, actor=observer)

    assert _recipients(mail.outbox) == _emails_of(world.lead)


def test_comment_rolled_back_sends_nothing(round, observer, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        comment_add(round=round, body=COMMENT_BODY, actor=observer)
        raise RuntimeError("Something failed after the comment was written.")

    assert callbacks == []
    assert mail.outbox == []


def test_request_changes_emails_authors_with_reason(
    world, round, carer, professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            round=round,
            kind=DecisionKind.REQUEST_CHANGES,
            content_hash=round.version.content_hash,
            reason=REASON,
            actor=professional,
        )

    assert _recipients(mail.outbox) == _emails_of(world.lead, carer)
    for message in mail.outbox:
        assert message.subject == (
            f"{professional.user.full_name} asked for changes to “{MODULE_TITLE}”"
        )
        assert message.body.splitlines().count(REASON) == 1


# Agreement


def test_agreement_emails_everyone_on_module_once_each(
    world, round, carer, professional, observer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _approve(round, carer)
        _approve(round, professional)

    agreed = _emails(f"“{MODULE_TITLE}” is agreed")
    # Authors (the lead and the carer) and reviewers (carer, professional, observer).
    assert _recipients(agreed) == _emails_of(world.lead, carer, professional, observer)
    round.version.refresh_from_db()
    date = timezone.localtime(round.version.agreed_at)
    stamp = (
        f"“{MODULE_TITLE}” is agreed: version 1 was signed off on "
        f"{date.day} {date.strftime('%B')} {date.year} by {carer.user.full_name} "
        f"(family carer) and {professional.user.full_name} (professional)."
    )
    for message in agreed:
        assert message.body.splitlines().count(stamp) == 1
        assert [alternative.mimetype for alternative in message.alternatives] == ["text/html"]


def test_agreement_email_not_sent_to_person_who_turned_emails_off(
    world, round, carer, professional, observer, django_capture_on_commit_callbacks
):
    observer.user.email_notifications = False
    observer.user.save(update_fields=["email_notifications"])

    with django_capture_on_commit_callbacks(execute=True):
        _approve(round, carer)
        _approve(round, professional)

    agreed = _emails(f"“{MODULE_TITLE}” is agreed")
    assert _recipients(agreed) == _emails_of(world.lead, carer, professional)
    assert [m for m in mail.outbox if observer.user.email in m.to] == []


def test_agreement_email_not_sent_to_removed_reviewer(
    world, round, carer, professional, observer, django_capture_on_commit_callbacks
):
    membership_remove(membership=observer, actor=world.lead)

    with django_capture_on_commit_callbacks(execute=True):
        _approve(round, carer)
        _approve(round, professional)

    agreed = _emails(f"“{MODULE_TITLE}” is agreed")
    assert _recipients(agreed) == _emails_of(world.lead, carer, professional)


def test_approval_rolled_back_sends_no_agreement_email(
    round, carer, professional, django_capture_on_commit_callbacks
):
    _approve(round, carer)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _approve(round, professional)
        raise RuntimeError("Something failed after the approval was written.")

    assert callbacks == []
    assert mail.outbox == []


# Reminders


def _round_due(world, *, title, due_date, reviewers):
    return review_round_open(
        module=_module(world, title=title),
        reviewers=reviewers,
        due_date=due_date,
        actor=world.lead,
    )


def test_review_reminders_email_undecided_reviewers_once(world, carer, professional, observer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    due = _round_due(
        world, title="Due tomorrow", due_date=tomorrow, reviewers=[carer, professional, observer]
    )
    _approve(due, carer)
    mail.outbox.clear()

    review_reminders_send()
    review_reminders_send()

    assert _recipients(mail.outbox) == _emails_of(professional, observer)
    link = settings.SITE_URL.rstrip("/") + f"/rounds/{due.pk}/"
    for message in mail.outbox:
        assert message.subject == "Reminder: “Due tomorrow” is due for review tomorrow"
        assert message.body.splitlines().count(link) == 1
    due.refresh_from_db()
    assert due.reminder_sent_at is not None


def test_review_reminders_skip_rounds_due_later_or_ended(world, carer, professional, observer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    _round_due(
        world,
        title="Due later",
        due_date=tomorrow + timedelta(days=1),
        reviewers=[carer, professional, observer],
    )
    _round_due(
        world, title="Due today", due_date=timezone.localdate(), reviewers=[carer, professional]
    )
    agreed = _round_due(
        world, title="Agreed already", due_date=tomorrow, reviewers=[carer, professional, observer]
    )
    _approve(agreed, carer)
    _approve(agreed, professional)
    mail.outbox.clear()

    review_reminders_send()

    assert mail.outbox == []


def test_review_reminders_skip_removed_reviewer(world, carer, professional, observer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    _round_due(
        world, title="Due tomorrow", due_date=tomorrow, reviewers=[carer, professional, observer]
    )
    membership_remove(membership=observer, actor=world.lead)
    mail.outbox.clear()

    review_reminders_send()

    assert _recipients(mail.outbox) == _emails_of(carer, professional)


def test_review_reminders_skip_reviewer_who_turned_emails_off(world, carer, professional, observer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    _round_due(world, title="Due tomorrow", due_date=tomorrow, reviewers=[carer, professional])
    professional.user.email_notifications = False
    professional.user.save(update_fields=["email_notifications"])
    mail.outbox.clear()

    review_reminders_send()

    assert _recipients(mail.outbox) == _emails_of(carer)


# Turning emails off


def test_notification_preferences_off_then_comment_sends_nothing_to_that_person(
    world, round, carer, observer, client_for, django_capture_on_commit_callbacks
):
    client_for(carer).post(reverse("notification_preferences"), {})

    with django_capture_on_commit_callbacks(execute=True):
        comment_add(round=round, body=COMMENT_BODY, actor=observer)

    assert _recipients(mail.outbox) == _emails_of(world.lead)


# Consent for stories: told before it ends and when it has ended, once each.


@pytest.fixture
def story(world):
    section = SectionFactory(
        module=ModuleFactory(workshop=world.workshop, actor=world.lead),
        actor=world.co_trainer,
        title="Our first meeting",
        kind=SectionKind.LIVED_EXPERIENCE_STORY,
    )
    consent_for(section, teller=world.co_trainer, actor=world.lead, days=20)
    mail.outbox.clear()
    return section


def test_consent_ending_soon_and_ended_are_each_told_once_to_the_leads_and_the_teller(world, story):
    consent_endings_notify()
    consent_endings_notify()

    assert _recipients(mail.outbox) == _emails_of(world.co_trainer, world.lead)
    ends = story.consent.expires_on
    assert {m.subject for m in mail.outbox} == {
        f"Consent for the story “Our first meeting” ends on {ends:%-d %B %Y}"
    }
    link = settings.SITE_URL.rstrip("/") + f"/sections/{story.pk}/consent/"
    assert all(link in m.body for m in mail.outbox)
    mail.outbox.clear()

    later = ends + timedelta(days=1)
    notifications.consent_endings_notify(today=later)
    notifications.consent_endings_notify(today=later)

    assert _recipients(mail.outbox) == _emails_of(world.co_trainer, world.lead)
    assert {m.subject for m in mail.outbox} == {
        "Consent for the story “Our first meeting” has ended"
    }


def test_consent_given_again_is_told_of_again_and_a_withdrawn_one_is_not(world, story):
    consent_endings_notify()
    consent_for(story, teller=world.co_trainer, actor=world.lead, days=10)
    mail.outbox.clear()

    consent_endings_notify()
    assert len(mail.outbox) == 2

    consent_withdraw(consent=story.consent, keep_text=True, actor=world.co_trainer)
    mail.outbox.clear()
    notifications.consent_endings_notify(today=timezone.localdate() + timedelta(days=30))
    assert mail.outbox == []


def test_consent_of_a_deleted_story_is_not_told_of(world, story):
    section_delete(section=story, actor=world.lead)
    mail.outbox.clear()

    notifications.consent_endings_notify(today=story.consent.expires_on + timedelta(days=1))

    assert mail.outbox == []
