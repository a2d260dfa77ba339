"""Two-step sign-in: setting it up, the code page after the password, recovery codes, turning it
off, an organisation's rule for its leads, throttled tries, and live rooms.

Codes are real: computed from the device's key with django_otp.oath.totp, as a phone's app does.
A code is accepted once (django-otp remembers the last time step used), so a test that needs a
second code takes the next time step's (``ahead=1``), which the device accepts as within its
tolerance of one step.
"""

import re
import time
from base64 import b32decode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.helpers import code_for, field_errors, give_code, html_text, sign_in, two_step_on
from tests.live.test_consumers import (  # noqa: F401 (fresh_live_state is an autouse fixture)
    LiveClient,
    _same_origin,
    fresh_live_state,
    run,
)
from workshops.enums import Action
from workshops.live.consumers import REFUSED
from workshops.models import ContributionEntry, Organisation

pytestmark = pytest.mark.django_db


def wrong_code_for(key: bytes) -> str:
    """A 6-digit code that is none of the ones the device would accept now."""
    near = {code_for(key, ahead=n) for n in (-1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def signed_in(client, user):
    assert sign_in(client, user.email, PASSWORD) is True
    return client


def shown_codes(response):
    html = response.content.decode()
    listed = re.search(r'<ul class="[^"]*two-step-codes[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>([a-z2-7]+)</li>", listed.group(1)) if listed else []


# Setting up


def test_set_up_wrong_code_then_right_code_turns_it_on_and_shows_codes_once(client_for, world):
    user = world.co_trainer.user
    client = client_for(world.co_trainer)
    setup_url = reverse("two_factor_setup")

    page = client.get(setup_url)
    html = page.content.decode()
    typed_key = re.search(r'id="two-step-key">([A-Z2-7 ]+)<', html).group(1)
    key = b32decode(typed_key.replace(" ", ""))
    wrong = client.post(setup_url, {"code": wrong_code_for(key)})
    wrong_html = wrong.content.decode()
    right = client.post(setup_url, {"code": code_for(key)})
    codes_page = client.get(reverse("two_factor_recovery_codes"))
    download = client.get(reverse("two_factor_recovery_codes_download"))
    done = client.post(reverse("two_factor_recovery_codes"))
    again = client.get(reverse("two_factor_recovery_codes"))

    assert page.status_code == 200
    assert "Google Authenticator, Microsoft Authenticator or FreeOTP" in html_text(html)
    assert all(len(group) == 4 for group in typed_key.split()[:-1])
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "<path" in svg
    assert "style" not in svg
    assert 'name="csrfmiddlewaretoken"' in html
    assert wrong.status_code == 400
    assert field_errors(wrong_html)["code"][0].startswith("That code is not right.")
    # Nothing lost: the same key is still offered after the wrong code.
    assert typed_key in wrong_html
    assert right.status_code == 302
    assert right.url == reverse("two_factor_recovery_codes")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is True
    assert device.bin_key == key
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert set(shown_codes(codes_page)) == stored
    assert "Print or write these down; each works once if you lose your phone" in (
        codes_page.content.decode()
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    assert set(download.content.decode().split("\n")) >= stored
    assert done.status_code == 302
    assert shown_codes(again) == []
    assert client.get(reverse("two_factor_recovery_codes_download")).status_code == 302


def test_set_up_page_is_linked_from_the_signing_in_page(client_for, world):
    before = client_for(world.co_trainer).get(reverse("sign_in_security")).content.decode()
    two_step_on(world.co_trainer.user)
    client = signed_in(Client(), world.co_trainer.user)
    device = TOTPDevice.objects.get(user=world.co_trainer.user)
    give_code(client, code_for(device.bin_key, ahead=1))
    after = client.get(reverse("sign_in_security")).content.decode()

    assert reverse("two_factor_setup") in before
    assert "Turn on two-step sign-in" in before
    assert "Two-step sign-in is on" in after
    assert reverse("two_factor_setup") not in after


# Signing in


def test_sign_in_asks_for_the_code_and_nothing_else_works_until_it_is_given(client, world):
    user = world.co_trainer.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    device, _codes = two_step_on(user)
    signed_in(client, user)
    workshops_url = reverse("workshop_list", kwargs={"org_id": world.organisation.pk})

    blocked = [client.get(url) for url in (workshops_url, reverse("home"), "/admin/")]
    page = client.get(blocked[0].url)
    wrong = give_code(client, wrong_code_for(device.bin_key), workshops_url)
    # django-otp makes the next try wait after a wrong code: even the right one, at once.
    too_soon = give_code(client, code_for(device.bin_key, ahead=1), workshops_url)
    still_blocked = client.get(workshops_url)
    time.sleep(1.1)
    right = give_code(client, code_for(device.bin_key, ahead=1), workshops_url)

    verify_url = reverse("two_factor_verify")
    assert [(r.status_code, r.url.split("?")[0]) for r in blocked] == [(302, verify_url)] * 3
    assert blocked[0].url == f"{verify_url}?next={workshops_url.replace('/', '%2F')}"
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert wrong.status_code == 400
    assert field_errors(wrong.content.decode())["code"][0].startswith("That code is not right.")
    assert too_soon.status_code == 400
    assert "Too many wrong codes in a row" in field_errors(too_soon.content.decode())["code"][0]
    assert still_blocked.status_code == 302
    assert (right.status_code, right.url) == (302, workshops_url)
    assert client.get(workshops_url).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_sign_in_without_two_step_needs_no_code(client, world):
    signed_in(client, world.co_trainer.user)

    response = client.get(reverse("workshop_list", kwargs={"org_id": world.organisation.pk}))

    assert response.status_code == 200
    assert client.get(reverse("two_factor_verify")).status_code == 302


def test_signing_out_still_works_before_the_code_is_given(client, world):
    two_step_on(world.co_trainer.user)
    signed_in(client, world.co_trainer.user)

    response = client.post(reverse("logout"))

    assert (response.status_code, response.url) == (302, reverse("login"))
    assert "_auth_user_id" not in client.session


def test_recovery_code_signs_in_once(client, world):
    user = world.co_trainer.user
    _device, codes = two_step_on(user)
    signed_in(client, user)

    first = give_code(client, codes[0].upper())
    client.post(reverse("logout"))
    signed_in(client, user)
    reused = give_code(client, codes[0])
    time.sleep(1.1)  # the wrong try makes the next one wait, as for app codes
    other = give_code(client, f"{codes[1][:4]} {codes[1][4:]}")

    assert first.status_code == 302
    assert reused.status_code == 400
    assert field_errors(reused.content.decode())["code"][0].startswith("That code is not right.")
    assert other.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 8
    assert client.get(reverse("home")).status_code == 200  # what needs them, not the code page


def test_new_recovery_codes_stop_the_old_ones(client, world):
    user = world.co_trainer.user
    _device, old_codes = two_step_on(user)
    signed_in(client, user)
    give_code(client, old_codes[0])

    made = client.post(reverse("two_factor_recovery_codes_new"))
    new_codes = shown_codes(client.get(reverse("two_factor_recovery_codes")))
    client.post(reverse("logout"))
    signed_in(client, user)
    old = give_code(client, old_codes[1])
    time.sleep(1.1)
    new = give_code(client, new_codes[0])

    assert made.status_code == 302
    assert len(new_codes) == 10
    assert set(new_codes).isdisjoint(old_codes)
    assert old.status_code == 400
    assert new.status_code == 302


# The organisation's rule


def test_organisation_rule_sends_a_lead_without_two_step_to_set_it_up(client_for, world):
    rule_url = reverse("organisation_two_step", kwargs={"org_id": world.organisation.pk})
    workshops_url = reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    lead = client_for(world.lead)

    form = lead.get(rule_url)
    saved = lead.post(rule_url, {"leads_need_two_step": "on"})
    lead_blocked = lead.get(workshops_url)
    setup_page = lead.get(reverse("two_factor_setup"))
    co_trainer_page = client_for(world.co_trainer).get(workshops_url)
    co_trainer_rule = client_for(world.co_trainer).get(rule_url)

    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert saved.status_code == 302
    assert Organisation.objects.get(pk=world.organisation.pk).leads_need_two_step is True
    entry = ContributionEntry.objects.filter(organisation=world.organisation).latest("pk")
    assert (entry.action, entry.membership_id, entry.target_type) == (
        Action.ORGANISATION_RULES,
        world.lead.pk,
        "organisation",
    )
    assert (lead_blocked.status_code, lead_blocked.url) == (302, reverse("two_factor_setup"))
    assert setup_page.status_code == 200
    assert f"You are a lead of {world.organisation.name}, which asks its leads" in html_text(
        setup_page.content.decode()
    )
    assert co_trainer_page.status_code == 200
    assert co_trainer_rule.status_code == 403


def test_lead_required_to_use_two_step_gets_in_once_it_is_set_up(client_for, world):
    Organisation.objects.filter(pk=world.organisation.pk).update(leads_need_two_step=True)
    lead = client_for(world.lead)
    workshops_url = reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    html = lead.get(reverse("two_factor_setup")).content.decode()
    key = b32decode(re.search(r'id="two-step-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", ""))

    turned_on = lead.post(reverse("two_factor_setup"), {"code": code_for(key)})

    assert turned_on.status_code == 302
    assert lead.get(workshops_url).status_code == 200


# Turning off


def test_turning_off_is_refused_while_the_organisation_requires_it(client, world):
    user = world.lead.user
    device, _codes = two_step_on(user)
    Organisation.objects.filter(pk=world.organisation.pk).update(leads_need_two_step=True)
    signed_in(client, user)
    give_code(client, code_for(device.bin_key, ahead=1))

    page = client.get(reverse("two_factor_turn_off"))
    refused = client.post(reverse("two_factor_turn_off"), {"code": "whatever"})

    assert page.status_code == 200
    assert "You cannot turn it off while you are a lead of" in html_text(page.content.decode())
    assert refused.status_code == 400
    assert "You cannot turn two-step sign-in off" in html_text(refused.content.decode())
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_turning_off_needs_a_current_code(client, world):
    user = world.co_trainer.user
    device, _codes = two_step_on(user)
    signed_in(client, user)
    give_code(client, code_for(device.bin_key, ahead=1))

    wrong = client.post(reverse("two_factor_turn_off"), {"code": wrong_code_for(device.bin_key)})
    kept = TOTPDevice.objects.filter(user=user).count()
    time.sleep(1.1)
    device.refresh_from_db()
    right = client.post(reverse("two_factor_turn_off"), {"code": code_for(device.bin_key, ahead=2)})

    assert wrong.status_code == 400
    assert field_errors(wrong.content.decode())["code"][0].startswith("That code is not right.")
    assert kept == 1
    assert (right.status_code, right.url) == (302, reverse("sign_in_security"))
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert StaticDevice.objects.filter(user=user).count() == 0
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("sign_in_security")).status_code == 200


# Throttling


def test_code_tries_are_counted_per_person_and_throttled(client, world, settings):
    settings.THROTTLE_LIMIT = 3
    user = world.co_trainer.user
    device, _codes = two_step_on(user)
    signed_in(client, user)

    tries = [give_code(client, "123").status_code for _ in range(settings.THROTTLE_LIMIT)]
    time.sleep(1.1)
    over = give_code(client, code_for(device.bin_key, ahead=1))

    assert tries == [400] * settings.THROTTLE_LIMIT
    assert over.status_code == 429
    assert "Too many tries" in over.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


# Live rooms


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushable_log")
def test_live_socket_refused_for_a_session_that_has_not_given_its_code(world, live_session):
    from coprod.asgi import application

    user = world.co_trainer.user
    device, _codes = two_step_on(user)
    unverified = signed_in(Client(), user)
    verified = signed_in(Client(), user)
    assert give_code(verified, code_for(device.bin_key, ahead=1)).status_code == 302

    def browser(client):
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers = [
            *_same_origin(),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ]
        return LiveClient(
            None, live_session, world.section, application=application, headers=headers
        )

    seen = {}

    async def scenario():
        refused, accepted = browser(unverified), browser(verified)
        await refused.connect()
        await refused.handle(await refused.next_output())
        seen["unverified"] = refused.close_code
        await refused.leave()
        await accepted.join()
        seen["verified"] = (accepted.close_code, accepted.text)
        await accepted.leave()

    run(scenario)

    assert seen == {"unverified": REFUSED, "verified": (None, world.section.body)}
