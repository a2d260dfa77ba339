"""Review rounds, comments, decisions and the two-key sign-off.

Every function locks the round (or the module, when opening one) before reading the state it
changes, so parallel approvals, a withdrawal racing an approval, or a double-clicked "open round"
are serialised and leave one consistent outcome.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workshops.consent import FACILITATORS, consent_allows, is_story
from workshops.enums import Action, DecisionKind, RoundStatus
from workshops.models import (
    Comment,
    Decision,
    Membership,
    Module,
    ModuleVersion,
    Reviewer,
    ReviewRound,
    StoryConsent,
)
from workshops.models.reviews import content_hash_of
from workshops.outbox import enqueue
from workshops.rules import COMMENT, EDIT_CONTENT, SIGN_OFF, role_allows
from workshops.selectors.content import module_snapshot_of
from workshops.selectors.reviews import round_sign_off_state
from workshops.signoff import sign_off_shortfall

from .contributions import contribution_record
from .permissions import require


def module_snapshot(module: Module) -> dict:
    """The module's current text and settings as plain data, in order: what a round freezes.
    One definition with the module lists' "changed since agreed" (selectors.content)."""
    return module_snapshot_of(module, list(module.sections.order_by("position", "pk")))


def _locked_round(round: ReviewRound) -> ReviewRound:
    return (
        ReviewRound.objects.select_for_update().select_related("version", "module").get(pk=round.pk)
    )


def _require_open(round: ReviewRound) -> None:
    if not round.is_open:
        raise ValidationError(_("This review round has ended."))


def _require_reviewers(reviewers: list[Membership], *, organisation_id: int) -> None:
    """At least one reviewer, each an active member of the organisation whose role can comment."""
    if not reviewers:
        raise ValidationError({"reviewers": _("Choose at least one reviewer.")})
    for reviewer in reviewers:
        if reviewer.organisation_id != organisation_id or reviewer.removed_at is not None:
            raise ValidationError(
                {"reviewers": _("Reviewers must be members of the organisation.")}
            )
        if not role_allows(reviewer.role, COMMENT):
            raise ValidationError(
                {"reviewers": _("%(name)s can't review.") % {"name": reviewer.user}}
            )


def _more_needed(missing: int, *, chosen: int, carers: bool) -> str:
    """ "Add at least one family carer who can sign off.", and its kin: plain, with numbers."""
    if carers and chosen:
        text = ngettext(
            "Add at least one more family carer who can sign off.",
            "Add at least %(count)d more family carers who can sign off.",
            missing,
        )
    elif carers:
        text = ngettext(
            "Add at least one family carer who can sign off.",
            "Add at least %(count)d family carers who can sign off.",
            missing,
        )
    elif chosen:
        text = ngettext(
            "Add at least one more professional who can sign off.",
            "Add at least %(count)d more professionals who can sign off.",
            missing,
        )
    else:
        text = ngettext(
            "Add at least one professional who can sign off.",
            "Add at least %(count)d professionals who can sign off.",
            missing,
        )
    return text % {"count": missing}


def _require_reachable_sign_off(reviewers: list[Membership], *, module: Module) -> None:
    """Refuse reviewers who, all approving, still could not meet the organisation's sign-off
    rule: such a round could never be agreed, and would wait for ever.

    Only reviewers whose role may sign off count; observers and supporters comment.
    """
    organisation = module.workshop.organisation
    perspectives = [
        r.perspective for r in reviewers if role_allows(r.role, SIGN_OFF) and r.user.is_active
    ]
    shortfall = sign_off_shortfall(
        perspectives,
        family_carer_needed=organisation.family_carer_approvals_needed,
        professional_needed=organisation.professional_approvals_needed,
    )
    errors = []
    if shortfall.family_carers:
        chosen = organisation.family_carer_approvals_needed - shortfall.family_carers
        errors.append(_more_needed(shortfall.family_carers, chosen=chosen, carers=True))
    if shortfall.professionals:
        chosen = organisation.professional_approvals_needed - shortfall.professionals
        errors.append(_more_needed(shortfall.professionals, chosen=chosen, carers=False))
    if errors:
        raise ValidationError({"reviewers": errors})


@transaction.atomic
def review_round_open(
    *,
    module: Module,
    reviewers: Iterable[Membership],
    message: str = "",
    due_date: date | None = None,
    actor: Membership,
) -> ReviewRound:
    """Freeze the module's sections into a new version and open a review round on it, if the
    reviewers between them can meet the sign-off rule (else nothing is made; the error says who
    to add). An open round whose reviewers asked for changes is closed as "changes requested"
    first; any other must be withdrawn before a new one starts. Emails the reviewers after commit.
    """
    require(actor, EDIT_CONTENT, module)
    Module.objects.select_for_update().filter(pk=module.pk).first()
    reviewers = list(reviewers)
    _require_reviewers(reviewers, organisation_id=module.workshop.organisation_id)
    _require_reachable_sign_off(reviewers, module=module)

    current = ReviewRound.objects.select_for_update().filter(module=module, status=RoundStatus.OPEN)
    for open_round in current:
        if not open_round.decisions.filter(kind=DecisionKind.REQUEST_CHANGES).exists():
            raise ValidationError(
                _("Round %(number)s is still open. Withdraw it before opening a new one.")
                % {"number": open_round.number}
            )
        open_round.status = RoundStatus.CHANGES_REQUESTED
        open_round.closed_at = timezone.now()
        open_round.save(update_fields=["status", "closed_at"])
        contribution_record(actor=actor, action=Action.REVIEW_CLOSE, target=open_round)

    snapshot = module_snapshot(module)
    if not snapshot["sections"]:
        raise ValidationError(_("This module has no sections to review yet."))
    version_number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    round_number = (module.review_rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            version = ModuleVersion.objects.create(
                module=module,
                number=version_number,
                snapshot=snapshot,
                content_hash=content_hash_of(snapshot),
                frozen_by=actor,
            )
            round = ReviewRound.objects.create(
                module=module,
                number=round_number,
                version=version,
                opened_by=actor,
                message=message,
                due_date=due_date,
            )
    except IntegrityError:
        raise ValidationError(_("A review round was opened on this module a moment ago.")) from None
    Reviewer.objects.bulk_create(Reviewer(round=round, membership=r) for r in reviewers)
    contribution_record(actor=actor, action=Action.REVIEW_OPEN, target=round)
    enqueue("review_round_opened_notify", round_id=round.pk)
    return round


@transaction.atomic
def review_round_withdraw(*, round: ReviewRound, actor: Membership) -> ReviewRound:
    require(actor, EDIT_CONTENT, round)
    round = _locked_round(round)
    _require_open(round)
    round.status = RoundStatus.WITHDRAWN
    round.closed_at = timezone.now()
    round.save(update_fields=["status", "closed_at"])
    contribution_record(actor=actor, action=Action.REVIEW_WITHDRAW, target=round)
    return round


@transaction.atomic
def review_decide(
    *, round: ReviewRound, kind: str, content_hash: str, reason: str = "", actor: Membership
) -> Decision:
    """Record (or change) a reviewer's decision, then agree the version if the rule is met.

    The decision names the hash of the version the reviewer read: a stale hash is refused, so an
    approval can only ever be for the exact words frozen in this round.
    """
    require(actor, SIGN_OFF, round)
    round = _locked_round(round)
    _require_open(round)
    if not round.reviewers.filter(membership=actor).exists():
        raise ValidationError(_("Only the reviewers of this round can sign it off."))
    if content_hash != round.version.content_hash:
        raise ValidationError(
            _("The text you read is not the text under review. Reload the page and read it again.")
        )
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Choose approve or request changes.")})
    reason = reason.strip()
    if kind == DecisionKind.REQUEST_CHANGES and not reason:
        raise ValidationError({"reason": _("Please say what should change.")})
    if kind == DecisionKind.APPROVE:
        _require_story_consent(round.version)
    decision, _created = Decision.objects.update_or_create(
        round=round,
        membership=actor,
        defaults={
            "kind": kind,
            "reason": reason if kind == DecisionKind.REQUEST_CHANGES else "",
            "perspective": actor.perspective,
            "content_hash": content_hash,
        },
    )
    action = (
        Action.REVIEW_APPROVE if kind == DecisionKind.APPROVE else Action.REVIEW_REQUEST_CHANGES
    )
    contribution_record(actor=actor, action=action, target=decision)
    enqueue("review_decision_notify", decision_id=decision.pk)
    if _agree_if_signed_off(round, actor=actor):
        enqueue("module_agreed_notify", round_id=round.pk)
    return decision


def _require_story_consent(version: ModuleVersion) -> None:
    """A story can be agreed only while someone may read it: with valid consent, at least for
    facilitators (a pack for attendees further needs consent for attendees)."""
    stories = [s for s in version.sections if is_story(s)]
    consents = {
        c.section_id: c
        for c in StoryConsent.objects.filter(section_id__in=[s["id"] for s in stories])
    }
    today = timezone.localdate()
    missing = [
        s["title"]
        for s in stories
        if not consent_allows(consents.get(s["id"]), FACILITATORS, today)
    ]
    if missing:
        raise ValidationError(
            _(
                "“%(titles)s” is a lived-experience story without valid consent. Record its "
                "consent on the module's page before approving."
            )
            % {"titles": "”, “".join(missing)}
        )


def _agree_if_signed_off(round: ReviewRound, *, actor: Membership) -> bool:
    """Close the (locked) round as agreed when both keys are turned. True if it was agreed."""
    if not round_sign_off_state(round=round).agreed:
        return False
    now = timezone.now()
    round.status = RoundStatus.AGREED
    round.closed_at = now
    round.save(update_fields=["status", "closed_at"])
    ModuleVersion.objects.filter(pk=round.version_id).update(agreed_at=now)
    Module.all_objects.filter(pk=round.module_id).update(agreed_version=round.version_id)
    contribution_record(actor=actor, action=Action.REVIEW_AGREED, target=round)
    return True


@transaction.atomic
def comment_add(
    *,
    round: ReviewRound,
    body: str,
    section_id: int | None = None,
    quote: str = "",
    parent: Comment | None = None,
    actor: Membership,
) -> Comment:
    """Comment on a section of the frozen version, or reply to a comment. Emails the authors."""
    require(actor, COMMENT, round)
    round = _locked_round(round)
    _require_open(round)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if parent is not None:
        if parent.module_id != round.module_id:
            raise ValidationError(_("That comment belongs to another module."))
        section_id = parent.section_id
        quote = ""
    elif section_id is not None and round.version.section_snapshot(section_id) is None:
        raise ValidationError({"section_id": _("That section is not part of this round.")})
    comment = Comment.objects.create(
        module=round.module,
        round=round,
        section_id=section_id,
        parent=parent,
        author=actor,
        quote=quote.strip(),
        body=body,
    )
    contribution_record(actor=actor, action=Action.REVIEW_COMMENT, target=comment)
    enqueue("comment_notify", comment_id=comment.pk)
    return comment


@transaction.atomic
def comment_set_resolved(*, comment: Comment, resolved: bool, actor: Membership) -> Comment:
    """Resolve a comment thread, or reopen it."""
    require(actor, COMMENT, comment)
    comment = Comment.objects.select_for_update().select_related("round__module").get(pk=comment.pk)
    if comment.is_resolved == resolved:
        return comment
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = actor if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    action = Action.REVIEW_RESOLVE if resolved else Action.REVIEW_REOPEN
    contribution_record(actor=actor, action=action, target=comment)
    return comment
