"""Two-step sign-in: a code from an authenticator app (TOTP) after the password, recovery codes
for a lost phone, and an organisation's rule that its leads must use it.

A person's own sign-in is not a contribution to any organisation's work, so their set-up, codes
and turning off are not logged; a lead changing the organisation's rule is (ORGANISATION_RULES:
it changes what every lead of the organisation must do).

Codes are checked by django-otp's devices, which make each try after a wrong code wait longer
(per device) and refuse a code already used; the views also count tries per person
(workshops.throttle).
"""

import math
import re
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workshops.enums import Action
from workshops.models import Membership, Organisation, User
from workshops.rules import MANAGE_MEMBERS
from workshops.selectors.two_factor import confirmed_devices, required_by

from .contributions import contribution_record
from .permissions import require

TOTP_DIGITS = 6


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_codes_make(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_STEP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_device_confirm(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-step sign-in on with the app set up from ``key``, once ``code`` shows the app
    makes the right codes. Makes the person's recovery codes; returns the app's device and the
    codes (the only time they are given out whole). A wrong code changes nothing:
    ValidationError on "code"."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one set-up at a time
    if confirmed_devices(TOTPDevice, user).exists():
        raise ValidationError(_("Two-step sign-in is already on for your account."))
    code = _normalised(code)
    totp = TOTP(bytes.fromhex(key), digits=TOTP_DIGITS)
    totp.time = time.time()
    if not (code.isdigit() and len(code) == TOTP_DIGITS and totp.verify(int(code), tolerance=1)):
        raise ValidationError(
            {
                "code": _(
                    "That code is not right. Type the 6 numbers the app shows now; "
                    "if they change while you type, type the new ones."
                )
            }
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # The code just typed cannot be used again to sign in (last_t).
    device = TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), key=key, confirmed=True, last_t=totp.t()
    )
    codes_device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    return device, _recovery_codes_make(codes_device)


def _device_for_code(user: User, code: str) -> Device | None:
    if code.isdigit() and len(code) == TOTP_DIGITS:
        return confirmed_devices(TOTPDevice, user).first()
    return confirmed_devices(StaticDevice, user).first()


def two_step_code_check(*, user: User, code: str) -> Device:
    """The person's device that accepts ``code``: a code from their app, or one of their
    recovery codes (used up by this). ValidationError on "code" for a wrong one, or while a
    run of wrong ones makes them wait. Each wrong code counts against the device."""
    code = _normalised(code)
    device = _device_for_code(user, code)
    if device is None:
        raise ValidationError({"code": _("That code is not right. Please try again.")})
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details["locked_until"] - timezone.now()).total_seconds()
        seconds = max(1, math.ceil(wait))
        raise ValidationError(
            {
                "code": ngettext(
                    "Too many wrong codes in a row. Wait %(seconds)d second, then try again.",
                    "Too many wrong codes in a row. Wait %(seconds)d seconds, then try again.",
                    seconds,
                )
                % {"seconds": seconds}
            }
        )
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise ValidationError(
            {
                "code": _(
                    "That code is not right. Type the 6 numbers your app shows now, "
                    "or one of your recovery codes."
                )
            }
        )
    return verified


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for the person; the old ones stop working. Returns the new ones."""
    device = confirmed_devices(StaticDevice, user).select_for_update().first()
    if device is None or not confirmed_devices(TOTPDevice, user).exists():
        raise ValidationError(_("Turn on two-step sign-in first."))
    return _recovery_codes_make(device)


def two_step_turn_off(*, user: User, code: str) -> None:
    """Turn two-step sign-in off, given a current code (or a recovery code). Refused while an
    organisation requires it of the person as one of its leads. Not one transaction: a wrong
    code must still count against the device (django-otp's own transaction)."""
    requiring = required_by(user=user)
    if requiring:
        names = ", ".join(organisation.name for organisation in requiring)
        raise ValidationError(
            _(
                "You cannot turn two-step sign-in off while you are a lead of %(names)s: "
                "its leads must use it. A lead can change that rule from the people page."
            )
            % {"names": names}
        )
    two_step_code_check(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def organisation_two_step_set(
    *, organisation: Organisation, leads_need_two_step: bool, actor: Membership
) -> Organisation:
    """A lead sets whether the organisation's leads must use two-step sign-in. A lead without it
    is asked to set it up on their next page (the middleware in views/two_factor.py)."""
    require(actor, MANAGE_MEMBERS, organisation)
    organisation.leads_need_two_step = leads_need_two_step
    # Only this field: the log's head hash is moved by contribution_record.
    organisation.save(update_fields=["leads_need_two_step"])
    contribution_record(actor=actor, action=Action.ORGANISATION_RULES, target=organisation)
    return organisation
