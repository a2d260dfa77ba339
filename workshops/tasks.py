"""Thin Celery tasks: ids in, one service or plain function called, return quietly if gone."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from workshops.models import Invitation

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_email_send(invitation_id):
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by__user")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s is gone or used; no email sent.", invitation_id)
        return
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("invitation_accept", args=[invitation.token]),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = f"You are invited to co-produce workshops with {invitation.organisation.name}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()
