"""Every email the app sends: one function each, choosing its recipients, its translatable
subject and its template. Called by tasks, after the change that caused it has committed."""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workshops.checkpoints import checkpoint_make
from workshops.enums import DecisionKind, Role, RoundStatus
from workshops.models import (
    Comment,
    Decision,
    Invitation,
    Membership,
    ReviewRound,
    SectionRevision,
    StoryConsent,
)
from workshops.selectors.reviews import agreed_stamp


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_email(*, to: str, subject: str, template: str, context: dict) -> None:
    """One email with a plain-text body and an HTML alternative, from ``emails/<template>``."""
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


def send_to_members(memberships, *, subject: str, template: str, context: dict) -> list[str]:
    """One email per person who still belongs and has not turned review emails off.

    Returns the addresses written to.
    """
    sent = []
    seen = set()
    for membership in memberships:
        user = membership.user
        if (
            membership.removed_at is not None
            or not user.is_active
            or not user.email_notifications
            or user.email in seen
        ):
            continue
        seen.add(user.email)
        send_email(
            to=user.email,
            subject=subject,
            template=template,
            context={**context, "recipient": membership},
        )
        sent.append(user.email)
    return sent


def module_authors(module):
    """Everyone who saved a revision of one of the module's sections."""
    author_ids = SectionRevision.objects.filter(section__module=module).values_list(
        "author_id", flat=True
    )
    return Membership.objects.filter(pk__in=author_ids).select_related("user")


def round_reviewers(round: ReviewRound) -> list[Membership]:
    return [reviewer.membership for reviewer in round.reviewers.select_related("membership__user")]


def invitation_email(invitation: Invitation) -> None:
    send_email(
        to=invitation.email,
        subject=_("You are invited to co-produce workshops with %(organisation)s")
        % {"organisation": invitation.organisation.name},
        template="invitation",
        context={
            "invitation": invitation,
            "link": absolute_url(reverse("invitation_accept", args=[invitation.token])),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


def review_round_opened_email(round: ReviewRound) -> None:
    send_to_members(
        round_reviewers(round),
        subject=_("Please review “%(module)s” (round %(number)s)")
        % {"module": round.module.title, "number": round.number},
        template="review_opened",
        context={"round": round, "link": absolute_url(round.get_absolute_url())},
    )


def review_decision_email(decision: Decision) -> None:
    round = decision.round
    if decision.kind == DecisionKind.APPROVE:
        subject = _("%(name)s approved “%(module)s”")
    else:
        subject = _("%(name)s asked for changes to “%(module)s”")
    send_to_members(
        [m for m in module_authors(round.module) if m.pk != decision.membership_id],
        subject=subject % {"name": decision.membership.credit_name, "module": round.module.title},
        template="review_decision",
        context={
            "decision": decision,
            "round": round,
            "link": absolute_url(round.get_absolute_url()),
        },
    )


def comment_email(comment: Comment) -> None:
    round = comment.round
    send_to_members(
        [m for m in module_authors(round.module) if m.pk != comment.author_id],
        subject=_("New comment on “%(module)s”") % {"module": round.module.title},
        template="review_comment",
        context={
            "comment": comment,
            "round": round,
            "link": absolute_url(round.get_absolute_url() + f"#comment-{comment.pk}"),
        },
    )


def module_agreed_email(round: ReviewRound) -> None:
    people = list(module_authors(round.module)) + round_reviewers(round)
    send_to_members(
        people,
        subject=_("“%(module)s” is agreed") % {"module": round.module.title},
        template="module_agreed",
        context={
            "round": round,
            "stamp": agreed_stamp(version=round.version),
            "link": absolute_url(round.module.get_absolute_url()),
        },
    )


def consent_withdrawn_email(consent) -> None:
    """Tell the organisation's leads that a story's consent was withdrawn: its packs are
    refused from now on, and new ones leave it out."""
    section = consent.section
    organisation = section.module.workshop.organisation
    leads = organisation.memberships.filter(role=Role.LEAD).select_related("user")
    send_to_members(
        leads,
        subject=_("Consent withdrawn for the story “%(title)s”") % {"title": section.title},
        template="consent_withdrawn",
        context={
            "section": section,
            "link": absolute_url(
                reverse("workshop_packs", kwargs={"pk": section.module.workshop_id})
            ),
        },
    )


def _consent_recipients(consent):
    """The organisation's leads, and the member whose story it is."""
    organisation = consent.section.module.workshop.organisation
    leads = list(organisation.memberships.filter(role=Role.LEAD).select_related("user"))
    return leads + ([consent.teller] if consent.teller_id else [])


def consent_ending_email(consent) -> None:
    """Tell the leads and the teller a story's consent ends soon, so they can ask again."""
    section = consent.section
    send_to_members(
        _consent_recipients(consent),
        subject=_("Consent for the story “%(title)s” ends on %(day)s")
        % {"title": section.title, "day": date_format(consent.expires_on, "j F Y")},
        template="consent_ending",
        context={
            "consent": consent,
            "section": section,
            "link": absolute_url(reverse("story_consent", kwargs={"pk": section.pk})),
        },
    )


def consent_ended_email(consent) -> None:
    """Tell the leads and the teller a story's consent has ended: packs now leave it out and
    those that hold it are refused, as after a withdrawal."""
    section = consent.section
    send_to_members(
        _consent_recipients(consent),
        subject=_("Consent for the story “%(title)s” has ended") % {"title": section.title},
        template="consent_ended",
        context={
            "consent": consent,
            "section": section,
            "link": absolute_url(reverse("story_consent", kwargs={"pk": section.pk})),
        },
    )


def consent_endings_notify(*, today: date | None = None) -> None:
    """Daily: for each story still in the material whose consent ends within
    CONSENT_ENDING_NOTICE_DAYS, or has ended, tell the leads and the teller once. Each notice
    is claimed before it is sent, so two workers never both send it, and given back if the
    sending fails, so the next run tries again; safe to run more than once a day."""
    today = today or timezone.localdate()
    current = StoryConsent.objects.filter(
        withdrawn_at__isnull=True,
        section__deleted_at__isnull=True,
        section__module__deleted_at__isnull=True,
    ).select_related("section__module__workshop__organisation", "teller__user")
    notices = (
        (
            current.filter(
                expires_on__gte=today,
                expires_on__lte=today + timedelta(days=settings.CONSENT_ENDING_NOTICE_DAYS),
            ),
            "ending_notice_sent_at",
            consent_ending_email,
        ),
        (current.filter(expires_on__lt=today), "ended_notice_sent_at", consent_ended_email),
    )
    for due, sent_field, send in notices:
        for consent in due.filter(**{f"{sent_field}__isnull": True}):
            claimed = StoryConsent.objects.filter(
                pk=consent.pk, **{f"{sent_field}__isnull": True}
            ).update(**{sent_field: timezone.now()})
            if not claimed:
                continue
            try:
                send(consent)
            except BaseException:
                StoryConsent.objects.filter(pk=consent.pk).update(**{sent_field: None})
                raise


def review_reminder_email(round: ReviewRound) -> None:
    decided = set(round.decisions.values_list("membership_id", flat=True))
    send_to_members(
        [m for m in round_reviewers(round) if m.pk not in decided],
        subject=_("Reminder: “%(module)s” is due for review tomorrow")
        % {"module": round.module.title},
        template="review_reminder",
        context={"round": round, "link": absolute_url(round.get_absolute_url())},
    )


def review_reminders_send(*, today: date | None = None) -> None:
    """Remind reviewers the day before a round is due. Safe to run more than once a day."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    due = ReviewRound.objects.filter(
        status=RoundStatus.OPEN, due_date=tomorrow, reminder_sent_at__isnull=True
    )
    for round_id in due.values_list("pk", flat=True):
        # Claim the reminder first, so two workers never both send it.
        claimed = ReviewRound.objects.filter(pk=round_id, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if claimed:
            review_reminder_email(
                ReviewRound.objects.select_related("module__workshop__organisation").get(
                    pk=round_id
                )
            )


def password_reset_email(*, email: str) -> int:
    """The reset link for each active account with this email, as Django's reset form sends it
    (its templates in registration/). Returns how many were sent: none for an unknown address."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    site = urlsplit(settings.SITE_URL)
    users = list(form.get_users(email))
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
    )
    return len(users)


def log_checkpoint_email(organisation) -> list[str]:
    """The month's contribution log checkpoint for the organisation's leads, attached as a file
    to keep. Sent whatever their review email choice: it is about the record, not reviews."""
    checkpoint = json.dumps(checkpoint_make([organisation]), indent=2)
    stamp = timezone.localdate().isoformat()
    sent = []
    leads = Membership.active.filter(organisation=organisation, role=Role.LEAD).select_related(
        "user"
    )
    for lead in leads:
        context = {"recipient": lead, "organisation": organisation, "stamp": stamp}
        message = EmailMultiAlternatives(
            subject=_("The %(organisation)s contribution log checkpoint, %(date)s")
            % {"organisation": organisation.name, "date": stamp},
            body=render_to_string("emails/log_checkpoint.txt", context),
            to=[lead.user.email],
        )
        message.attach_alternative(
            render_to_string("emails/log_checkpoint.html", context), "text/html"
        )
        message.attach(
            f"coprod-log-checkpoint-{organisation.pk}-{stamp}.json", checkpoint, "application/json"
        )
        message.send()
        sent.append(lead.user.email)
    return sent
