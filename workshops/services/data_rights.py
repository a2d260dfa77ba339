"""People's data rights: a copy of everything held about them, and erasure."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from workshops.attribution import without_authors, words_by_author
from workshops.data_export import export_zip
from workshops.enums import Action, CreditPreference, Perspective, Role
from workshops.models import Invitation, Membership, Section, User
from workshops.rules import MANAGE_MEMBERS
from workshops.selectors.data_export import person_data

from .content import section_rewrite
from .contributions import contribution_record
from .permissions import require


def own_data_export(*, user: User) -> bytes:
    """A person's own copy of everything coprod holds about them, in every organisation. Not
    logged: it is theirs, and nobody else sees it."""
    return export_zip(person_data(user=user), person=user.full_name)


@transaction.atomic
def member_data_export(*, member: Membership, actor: Membership) -> bytes:
    """A lead's copy, on a person's request, of what this organisation holds about them (and
    nothing from any other organisation they belong to). Logged, so the request shows."""
    require(actor, MANAGE_MEMBERS, member)
    data = person_data(user=member.user, organisations=[member.organisation])
    contribution_record(actor=actor, action=Action.DATA_EXPORT, target=member)
    return export_zip(data, person=member.user.full_name)


def _erased_name(perspective: str) -> str:
    if perspective == Perspective.FAMILY_CARER:
        return _("a former family carer")
    return _("a former professional")


ERASED_DOMAIN = "erased.invalid"


def _memberships_of(user: User) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("organisation"))


@transaction.atomic
def person_erase(*, user: User, keep_words: bool) -> User:
    """Erase a person at their own request (see ``_erase`` for what changes and what stays).
    Logged in each of their organisations."""
    memberships = _memberships_of(user)
    for membership in memberships:
        contribution_record(actor=membership, action=Action.MEMBER_ERASE, target=membership)
    return _erase(user, memberships, keep_words=keep_words)


@transaction.atomic
def member_erase(*, member: Membership, keep_words: bool, actor: Membership) -> User:
    """A lead erases a person at the person's request, made by letter, phone or in person (see
    ``_erase``). Only for someone who belongs to no other organisation now, as the account is
    theirs everywhere (otherwise they erase it themselves), who is not a lead (one lead may not
    close another's account: change their role first) and who does not run the site. Words are
    taken out, if asked, only in this organisation's sections. Logged here with the lead as
    actor, and in any organisation they left before, as their own request."""
    require(actor, MANAGE_MEMBERS, member)
    _refuse_member_erase(member, actor)
    memberships = _memberships_of(member.user)
    contribution_record(actor=actor, action=Action.MEMBER_ERASE, target=member)
    for membership in memberships:
        if membership.organisation_id != member.organisation_id:
            contribution_record(actor=membership, action=Action.MEMBER_ERASE, target=membership)
    return _erase(member.user, memberships, keep_words=keep_words, words_in=[member])


def _refuse_member_erase(member: Membership, actor: Membership) -> None:
    name = member.user.full_name
    if member.pk == actor.pk:
        raise ValidationError(_("To erase your own account, use “Erase my account” instead."))
    if member.role == Role.LEAD:
        raise ValidationError(
            _(
                "%(name)s is a lead. Change their role first, or they can erase their own "
                "account from “Erase my account”."
            )
            % {"name": name}
        )
    if member.user.is_staff or member.user.is_superuser:
        raise ValidationError(
            _("%(name)s runs this coprod site: ask them to close their account themselves.")
            % {"name": name}
        )
    if (
        Membership.objects.filter(user=member.user, removed_at__isnull=True)
        .exclude(organisation_id=member.organisation_id)
        .exists()
    ):
        raise ValidationError(
            _(
                "%(name)s also belongs to another organisation in coprod, so only they can "
                "erase their account, from “Erase my account” on their account page."
            )
            % {"name": name}
        )


@transaction.atomic
def closed_account_clear(*, user: User) -> User:
    """Clear a closed account's name and contact once its retention period is over, as an
    erasure that keeps the person's words. Logged in each organisation they belonged to."""
    memberships = _memberships_of(user)
    for membership in memberships:
        contribution_record(actor=membership, action=Action.CLOSED_ACCOUNT_CLEAR, target=membership)
    return _erase(user, memberships, keep_words=True)


def _erase(
    user: User,
    memberships: list[Membership],
    *,
    keep_words: bool,
    words_in: list[Membership] | None = None,
) -> User:
    """Their name and contact become "a former family carer" or "a former professional"
    everywhere coprod shows or prints them from now on, their account is closed, and their
    words in current sections are kept or taken out (in the organisations of ``words_in``, by
    default all of theirs).

    What stays: versions frozen for review and packs already made keep the text they were
    signed on (their credits read the new name); the contribution log keeps its chain, as it
    holds ids only; backups keep the old details until they age out.
    """
    perspective = memberships[0].perspective if memberships else Perspective.PROFESSIONAL
    if not keep_words:
        _remove_words(memberships if words_in is None else words_in)
    old_email, erased_email = user.email, f"erased-{user.pk}@{ERASED_DOMAIN}"
    Invitation.objects.filter(email__iexact=old_email).update(
        email=erased_email, full_name="", job_title=""
    )
    name = str(_erased_name(perspective))
    user.full_name = user.first_name = name
    user.email = erased_email
    user.is_active = False
    user.email_notifications = False
    user.set_unusable_password()
    user.session_generation += 1  # every session it had is signed out
    user.save()
    Membership.objects.filter(user=user).update(
        job_title="",
        credit_preference=CreditPreference.FULL_NAME,  # credits read the new name
        removed_at=Coalesce(F("removed_at"), timezone.now()),
    )
    # What sign-in throttling and two-step sign-in kept under the old address.
    AccessAttempt.objects.filter(username__iexact=old_email).delete()
    AccessLog.objects.filter(username__iexact=old_email).delete()
    AccessFailureLog.objects.filter(username__iexact=old_email).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return user


def _remove_words(memberships: list[Membership]) -> None:
    """Take the person's words out of every current section of their organisations."""
    ids = {m.pk for m in memberships}
    by_organisation = {m.organisation_id: m for m in memberships}
    sections = Section.objects.filter(
        module__workshop__organisation__in=list(by_organisation)
    ).select_related("module__workshop")
    for section in sections:
        if not ids & set(words_by_author(section.attribution)):
            continue
        body, runs = without_authors(section.body, section.attribution, ids)
        actor = by_organisation[section.module.workshop.organisation_id]
        section_rewrite(section=section, body=body, attribution=runs, actor=actor)
