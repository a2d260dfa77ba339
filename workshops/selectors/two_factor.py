"""Two-step sign-in: what a person has set up, what their organisations require, and whether a
sign-in session has given its code. Reads only; the writes are in services/two_factor.py."""

from base64 import b32encode

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workshops.enums import Role
from workshops.models import Membership, Organisation, User

NOT_NEEDED, VERIFY, SET_UP = "", "verify", "set_up"


def totp_setup_details(*, user: User, key: str) -> dict:
    """What the set-up page shows for the secret ``key`` (hex, as TOTPDevice keeps it): the
    otpauth:// address its QR code holds, and the secret as a person types it into an app
    (base32, in groups of four)."""
    text = b32encode(bytes.fromhex(key)).decode("ascii").rstrip("=")
    return {
        "config_url": TOTPDevice(user=user, key=key).config_url,
        "key_for_typing": " ".join(text[i : i + 4] for i in range(0, len(text), 4)),
    }


def confirmed_devices(model: type[Device], user: User | OuterRef) -> QuerySet:
    return model.objects.filter(user=user, confirmed=True)


def required_by(*, user: User) -> list[Organisation]:
    """The organisations whose rule makes this person (as one of their leads) use two-step
    sign-in."""
    return list(
        Organisation.objects.filter(
            leads_need_two_step=True,
            memberships__user=user,
            memberships__role=Role.LEAD,
            memberships__removed_at__isnull=True,
        ).distinct()
    )


def two_step_needed(*, user: User) -> str:
    """What a signed-in person whose session has given no code must do first, in one query:
    VERIFY (they have two-step sign-in on), SET_UP (an organisation of theirs requires it of its
    leads and they have not set it up) or NOT_NEEDED."""
    required = Membership.active.filter(
        user=OuterRef("pk"), role=Role.LEAD, organisation__leads_need_two_step=True
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_app=Exists(confirmed_devices(TOTPDevice, OuterRef("pk"))),
            has_codes=Exists(confirmed_devices(StaticDevice, OuterRef("pk"))),
            required=Exists(required),
        )
        .values("has_app", "has_codes", "required")
        .first()
    )
    if row is None:
        return NOT_NEEDED
    if row["has_app"] or row["has_codes"]:
        return VERIFY
    return SET_UP if row["required"] else NOT_NEEDED


def two_step_session_verified(*, user: User, device_id: str | None) -> bool:
    """Whether a sign-in session holding ``device_id`` (django-otp's DEVICE_ID_SESSION_KEY) may
    be used: always for a person without two-step sign-in, else only when it names a confirmed
    device of theirs (the session gave a code)."""
    if two_step_needed(user=user) != VERIFY:
        return True
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


def two_step_status(*, user: User) -> dict:
    """What the person's two-step page shows: on or off, recovery codes left, who requires it
    and the organisations whose rule they may change."""
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True)
    leads = Membership.active.filter(user=user, role=Role.LEAD).select_related("organisation")
    return {
        "two_step_on": confirmed_devices(TOTPDevice, user).exists(),
        "recovery_codes_left": codes.count(),
        "required_by": required_by(user=user),
        "led_organisations": [membership.organisation for membership in leads],
    }
