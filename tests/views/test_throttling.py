"""Throttled sign-in (django-axes) and the other pages a stranger can try things on."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD
from tests.helpers import sign_in
from workshops.models import OutboxJob

LOCKED = "Too many tries. Please wait 15 minutes, or reset your password."


def wrong_passwords(client, email, times, url=None):
    url = url or reverse("login")
    return [
        client.post(url, {"username": email, "password": f"wrong-{n}"}).status_code
        for n in range(times)
    ]


def test_sign_in_locks_an_account_after_30_wrong_passwords_even_for_the_right_one(client, world):
    email = world.co_trainer.user.email

    codes = wrong_passwords(client, email, settings.AXES_FAILURE_LIMIT)
    right = client.post(reverse("login"), {"username": email, "password": PASSWORD})

    assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_lockout_counts_the_account_whatever_case_it_is_typed_in(client, world):
    email = world.co_trainer.user.email
    wrong_passwords(client, email.upper(), settings.AXES_FAILURE_LIMIT)

    assert sign_in(client, email, PASSWORD) is False


def test_sign_in_lockout_is_per_address_too(client, world):
    # Wrong passwords spread over many accounts from one address stop that address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{n}@example.org", "password": "x"})

    assert sign_in(client, world.co_trainer.user.email, PASSWORD) is False


def test_sign_in_with_the_right_password_before_the_limit_clears_the_count(client, world):
    email = world.co_trainer.user.email
    wrong_passwords(client, email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, email, PASSWORD) is True
    client.logout()

    wrong_passwords(client, email, settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in(client, email, PASSWORD) is True


def test_admin_sign_in_is_locked_the_same(client, world):
    lead = world.lead.user
    lead.is_staff = lead.is_superuser = True
    lead.save()
    url = reverse("admin:login")

    wrong_passwords(client, lead.email, settings.AXES_FAILURE_LIMIT, url=url)
    right = client.post(url, {"username": lead.email, "password": PASSWORD})

    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lead_unlocks_a_locked_out_member_from_the_people_page(client, client_for, world):
    email = world.co_trainer.user.email
    wrong_passwords(client, email, settings.AXES_FAILURE_LIMIT)
    lead = client_for(world.lead)
    people = reverse("member_list", kwargs={"org_id": world.organisation.pk})
    assert "Sign-in paused" in lead.get(people).content.decode()

    response = lead.post(
        reverse(
            "member_unlock", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
        )
    )

    assert response.status_code == 302
    assert "Sign-in paused" not in lead.get(people).content.decode()
    client.cookies.clear()
    # Unlocked for the account; this test's one address is still counted, so come from another.
    other_address = client.post(
        reverse("login"), {"username": email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    assert other_address.status_code == 302


def test_a_co_trainer_cannot_unlock_anyone(client_for, world):
    url = reverse("member_unlock", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})

    assert client_for(world.co_trainer).post(url).status_code == 403


def test_password_reset_answers_alike_for_known_and_unknown_emails(client, world):
    known = client.post(reverse("password_reset"), {"email": world.co_trainer.user.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    # Both only asked for the background job; neither looked the address up.
    jobs = list(OutboxJob.objects.order_by("pk").values_list("job", "arguments"))
    assert jobs == [
        ("password_reset_email_send", {"email": world.co_trainer.user.email}),
        ("password_reset_email_send", {"email": "nobody@example.org"}),
    ]


def test_password_reset_job_sends_to_the_account_and_forgets_the_address(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": world.co_trainer.user.email})
        client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert [message.to for message in mailoutbox] == [[world.co_trainer.user.email]]
    assert list(OutboxJob.objects.values_list("arguments", flat=True)) == [{}, {}]


def test_password_reset_is_throttled_per_address(client, world):
    url = reverse("password_reset")
    codes = [
        client.post(url, {"email": f"someone{n}@example.org"}).status_code
        for n in range(settings.THROTTLE_LIMIT + 1)
    ]

    assert codes == [302] * settings.THROTTLE_LIMIT + [429]
    assert "Please wait 15 minutes" in client.post(url, {"email": "x@example.org"}).content.decode()


def test_password_reset_is_throttled_per_email_from_any_address(client, world):
    url = reverse("password_reset")
    email = world.co_trainer.user.email
    codes = [
        client.post(url, {"email": email}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(settings.THROTTLE_LIMIT + 1)
    ]

    assert codes[-1] == 429
    assert codes[:-1] == [302] * settings.THROTTLE_LIMIT


@pytest.mark.parametrize(
    "url",
    [
        reverse("invitation_accept", kwargs={"token": "guess"}),
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "guess"}),
    ],
)
@pytest.mark.django_db
def test_emailed_link_pages_are_throttled_per_address(client, url):
    codes = [client.get(url).status_code for _ in range(settings.THROTTLE_LIMIT + 1)]

    assert 429 not in codes[:-1]
    assert codes[-1] == 429


def test_behind_the_proxy_the_client_address_is_the_one_nginx_saw(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = world.co_trainer.user.email
    # A client may write its own X-Forwarded-For; nginx appends the real address after it.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{n}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9",
        )

    blocked = client.post(
        reverse("login"),
        {"username": email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9",
    )
    elsewhere = client.post(
        reverse("login"),
        {"username": email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302
    assert re.search(r"^/", elsewhere.url)
