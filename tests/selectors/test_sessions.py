"""The session selectors: attendance minutes from the stays in a session's live rooms."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.helpers import stay
from workshops.selectors.sessions import attendance_minutes

START = timezone.make_aware(datetime(2026, 5, 12, 10, 0))


@pytest.fixture
def live_session_starts_at():
    """The shared ``live_session`` (tests/conftest.py) starts at START here."""
    return START


def test_attendance_minutes_counts_overlapping_stays_once(live_session, lead, co_trainer):
    # The co-trainer had two tabs open: 10:00-10:40 and 10:30-11:05, then 11:30-11:40.
    stay(live_session, co_trainer, 0, 40)
    stay(live_session, co_trainer, 30, 65)
    stay(live_session, co_trainer, 90, 100)
    # The lead's second stay lies inside the first; the third is still open.
    stay(live_session, lead, 0, 60)
    stay(live_session, lead, 10, 20)
    stay(live_session, lead, 120)

    minutes = attendance_minutes(session=live_session, now=START + timedelta(minutes=135))

    assert minutes == {co_trainer.pk: 65 + 10, lead.pk: 60 + 15}
