"""Consent for lived-experience stories: recording it, and withdrawing it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Action, ConsentMethod, SectionKind
from workshops.models import (
    Comment,
    LiveDocument,
    LiveUpdate,
    Membership,
    Section,
    SectionRevision,
    StoryConsent,
)
from workshops.outbox import enqueue
from workshops.rules import EDIT_CONTENT

from .content import section_rewrite
from .contributions import contribution_record
from .permissions import require


def _check_people(section: Section, people: list[Membership | None]) -> None:
    organisation_id = section.module.workshop.organisation_id
    for person in people:
        if person is not None and person.organisation_id != organisation_id:
            raise ValidationError(_("Choose someone in this organisation."))


@transaction.atomic
def consent_record(
    *,
    section: Section,
    audience: str,
    naming: str,
    expires_on: datetime.date,
    method: str,
    teller: Membership | None = None,
    teller_outside: str = "",
    witness: Membership | None = None,
    names_to_keep_out: str = "",
    actor: Membership,
) -> StoryConsent:
    """Record (or renew) the consent behind a story: whose it is, who may read it, how they are
    named and until when. Recording it again after a withdrawal is a new consent, given anew."""
    require(actor, EDIT_CONTENT, section)
    if section.kind != SectionKind.LIVED_EXPERIENCE_STORY:
        raise ValidationError(_("Only a lived-experience story has a consent record."))
    if (teller is None) == (not teller_outside.strip()):
        raise ValidationError(
            {"teller": _("Say whose story it is: a member, or a family outside coprod.")}
        )
    if method == ConsentMethod.SPOKEN and witness is None:
        raise ValidationError({"witness": _("Spoken consent needs a witness.")})
    if expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("Choose a date after today.")})
    _check_people(section, [teller, witness])
    consent, _created = StoryConsent.objects.update_or_create(
        section=section,
        defaults={
            "teller": teller,
            "teller_outside": teller_outside.strip(),
            "audience": audience,
            "naming": naming,
            "expires_on": expires_on,
            "method": method,
            "witness": witness if method == ConsentMethod.SPOKEN else None,
            "names_to_keep_out": names_to_keep_out,
            "recorded_by": actor,
            "withdrawn_at": None,
            "withdrawn_by": None,
            "ending_notice_sent_at": None,
            "ended_notice_sent_at": None,
        },
    )
    contribution_record(actor=actor, action=Action.CONSENT_RECORD, target=section)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: StoryConsent, keep_text: bool, actor: Membership) -> StoryConsent:
    """Withdraw consent for a story, by the person whose story it is or someone who edits the
    material: no new pack holds it from now on, packs that hold it can no longer be downloaded,
    and the leads are told. The story's words are kept, or erased from the section and its
    history, as the person chooses."""
    consent = StoryConsent.objects.select_for_update().select_related("section").get(pk=consent.pk)
    if actor.pk != consent.teller_id:
        require(actor, EDIT_CONTENT, consent)
    elif actor.removed_at is not None:
        raise PermissionDenied
    if consent.is_withdrawn:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    if not keep_text:
        consent.text_erased_at = consent.withdrawn_at
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "text_erased_at"])
    if not keep_text:
        _erase_story_text(consent.section, actor=actor)
    contribution_record(actor=actor, action=Action.CONSENT_WITHDRAW, target=consent.section)
    enqueue("consent_withdrawn_notify", consent_id=consent.pk)
    return consent


def _erase_story_text(section: Section, *, actor: Membership) -> None:
    """Erase a story's words from the section, every earlier version of it, the passages that
    comments quoted from it and its live room, leaving a new, empty version in the history.
    Versions frozen for review keep the text they were signed on (they are the signed record),
    but no page shows it and no pack prints it any more."""
    SectionRevision.objects.filter(section=section).update(body="", attribution=[])
    Comment.objects.filter(section_id=section.pk).exclude(quote="").update(quote="")
    LiveUpdate.objects.filter(section=section).delete()
    LiveDocument.objects.filter(section=section).delete()
    section_rewrite(section=section, body="", attribution=[], actor=actor)
