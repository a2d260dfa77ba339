"""Sessions end after an idle time, and a person can end all of theirs at once."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.helpers import sign_in


def test_sessions_end_after_twelve_idle_hours_and_each_request_moves_the_end(client, world):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    sign_in(client, world.co_trainer.user.email, PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    first_end = session.expire_date

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(hours=1))
    assert client.get(reverse("sign_in_security")).status_code == 200
    session.refresh_from_db()
    assert session.expire_date >= first_end  # moved on by the request

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("sign_in_security"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_out_everywhere_ends_every_session_of_the_person_only(world):
    phone, laptop, someone_else = Client(), Client(), Client()
    assert sign_in(phone, world.co_trainer.user.email, PASSWORD)
    assert sign_in(laptop, world.co_trainer.user.email, PASSWORD)
    assert sign_in(someone_else, world.lead.user.email, PASSWORD)

    response = laptop.post(reverse("sign_out_everywhere"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    for signed_out in (phone, laptop):
        assert signed_out.get(reverse("sign_in_security")).status_code == 302
    assert someone_else.get(reverse("sign_in_security")).status_code == 200
    # Signing in again works.
    assert sign_in(phone, world.co_trainer.user.email, PASSWORD)
    assert phone.get(reverse("sign_in_security")).status_code == 200


def test_sign_out_everywhere_needs_a_post_with_its_token(client_for, world):
    client = client_for(world.co_trainer)
    assert client.get(reverse("sign_out_everywhere")).status_code == 405
    page = client.get(reverse("sign_in_security"))
    assert page.status_code == 200
    assert "Sign out everywhere" in page.content.decode()
    assert "12 hours" in page.content.decode()
