"""Throttling of the pages anyone can reach without signing in, other than sign-in itself
(django-axes counts wrong passwords): asking for a password reset, and the links sent by email
(a reset link, an invitation).

Fixed windows of settings.THROTTLE_WINDOW seconds, counted in the database (ThrottleCount) so
that every server process counts together. Past windows are deleted as new ones start.
"""

import hashlib
import math
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from coprod.client_ip import client_ip
from workshops.models import ThrottleCount


def throttle_allows(*keys: str, limit: int | None = None) -> bool:
    """Count one try against each key (e.g. "reset:ip:…", "reset:email:…"). False when any of
    them has had ``limit`` (else settings.THROTTLE_LIMIT) tries already in this window."""
    limit = settings.THROTTLE_LIMIT if limit is None else limit
    now = timezone.now()
    window = settings.THROTTLE_WINDOW
    index = math.floor(now.timestamp() / window)
    expires_at = datetime.fromtimestamp((index + 1) * window, tz=UTC)
    allowed = True
    for key in keys:
        windowed = f"{key}:{index}"[:300]
        counter, created = ThrottleCount.objects.get_or_create(
            key=windowed, defaults={"expires_at": expires_at}
        )
        if created:
            ThrottleCount.objects.filter(expires_at__lt=now).delete()
        ThrottleCount.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        counter.refresh_from_db(fields=["count"])
        allowed = allowed and counter.count <= limit
    return allowed


def address_key(scope: str, request) -> str:
    return f"{scope}:ip:{client_ip(request)}"


def email_key(scope: str, email: str) -> str:
    """A key for an email as typed, hashed: the table never holds the addresses people try."""
    return f"{scope}:email:{hashlib.sha256(email.encode('utf-8', 'replace')).hexdigest()}"


def too_many_tries(request):
    """The page for a throttled try: plain words, 429."""
    minutes = max(1, round(settings.THROTTLE_WINDOW / 60))
    return render(request, "429.html", {"minutes": minutes}, status=429)
