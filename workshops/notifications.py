"""Review emails: who gets them and what they say. Called by tasks, after the change committed."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from workshops.models import Membership, SectionRevision


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def send_email(*, to, subject, template, context):
    """One email with a plain-text body and an HTML alternative, from ``emails/<template>``."""
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


def send_to_members(memberships, *, subject, template, context):
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


def round_reviewers(round):
    return [reviewer.membership for reviewer in round.reviewers.select_related("membership__user")]
