"""Review rounds, comments, frozen versions and the agreed stamp."""

from django.db.models import QuerySet

from workshops.enums import (
    CreditPreference,
    DecisionKind,
    Perspective,
    RoundStatus,
    SectionAudience,
    SectionChange,
)
from workshops.models import (
    Comment,
    Decision,
    Membership,
    Module,
    ModuleVersion,
    Organisation,
    Reviewer,
    ReviewRound,
    User,
)
from workshops.models.organisations import perspective_label
from workshops.rules import COMMENT, SIGN_OFF, can, role_allows
from workshops.scope import organisation_of
from workshops.signoff import Shortfall, SignOffState, sign_off_shortfall, sign_off_state

from .base import get_or_404, workshops_visible
from .consent import erased_story_text_hidden, readable_sections
from .diffs import word_diff_html
from .evaluation import open_feedback_actions


def review_candidates(*, organisation: Organisation) -> list[Membership]:
    """Members who may review: everyone whose role can at least comment, each with
    ``may_sign_off`` set, as only those count towards the sign-off rule."""
    members = Membership.active.filter(organisation=organisation).select_related("user")
    candidates = [m for m in members.order_by("user__full_name") if role_allows(m.role, COMMENT)]
    for member in candidates:
        member.may_sign_off = role_allows(member.role, SIGN_OFF)
    return candidates


def review_round_get(*, user: User, pk: object) -> ReviewRound:
    return get_or_404(
        ReviewRound.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "version", "opened_by__user"
        ),
        pk=pk,
    )


def comment_get(*, user: User, pk: object) -> Comment:
    return get_or_404(
        Comment.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "round"
        ),
        pk=pk,
    )


def module_rounds(*, module: Module) -> QuerySet[ReviewRound]:
    return (
        module.review_rounds.select_related("version", "opened_by__user")
        .prefetch_related("decisions__membership__user", "reviewers__membership__user")
        .order_by("-number")
    )


def open_round(*, module: Module) -> ReviewRound | None:
    return module.review_rounds.filter(status=RoundStatus.OPEN).select_related("version").first()


def round_comments(*, module: Module) -> list[Comment]:
    """Every comment thread on the module, oldest first, replies attached, in two queries."""
    comments = list(
        Comment.objects.filter(module=module)
        .select_related("author__user", "resolved_by__user", "round")
        .order_by("created_at", "pk")
    )
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        comment.thread = []
    threads = []
    for comment in comments:
        if comment.parent_id and comment.parent_id in by_id:
            by_id[comment.parent_id].thread.append(comment)
        else:
            threads.append(comment)
    return threads


def previous_version_for_round(*, round: ReviewRound) -> ModuleVersion | None:
    """What a round is compared with: the last agreed version before it, else the previous
    round's version, else nothing."""
    earlier = ModuleVersion.objects.filter(
        module_id=round.module_id, number__lt=round.version.number
    )
    return (
        earlier.filter(agreed_at__isnull=False).order_by("-number").first()
        or earlier.order_by("-number").first()
    )


def version_comparison(
    *, old: ModuleVersion, new: ModuleVersion, hidden: dict[int, set[int]] | None = None
) -> list[dict]:
    """Per section of either frozen version: its id, heading, whether it was added, changed or
    removed, and the word diff from old to new. A story erased at its teller's wish shows no
    words (``hidden``, from erased_story_text_hidden, when the caller has it already)."""
    if hidden is None:
        hidden = erased_story_text_hidden([old, new])
    old_sections = readable_sections(old, hidden[old.pk])
    before_of = {section["id"]: section for section in old_sections}
    rows = []
    for section in readable_sections(new, hidden[new.pk]):
        before = before_of.get(section["id"])
        rows.append(
            {
                "id": section["id"],
                "title": section["title"],
                "status": SectionChange.CHANGED if before else SectionChange.ADDED,
                "is_added": not before,
                "words_erased": section.get("words_erased", False),
                "diff_html": word_diff_html(
                    old_text=before["body"] if before else "", new_text=section["body"]
                ),
            }
        )
    new_ids = {section["id"] for section in new.sections}
    for section in old_sections:
        if section["id"] not in new_ids:
            rows.append(
                {
                    "id": section["id"],
                    "title": section["title"],
                    "status": SectionChange.REMOVED,
                    "is_removed": True,
                    "words_erased": section.get("words_erased", False),
                    "diff_html": word_diff_html(old_text=section["body"], new_text=""),
                }
            )
    return rows


def module_version_get(*, module: Module, number: int) -> ModuleVersion:
    return get_or_404(module.versions, number=number)


def module_version_comparison(*, module: Module, old: int, new: int) -> dict:
    """Two frozen versions of a module, by number (404 for a number it never had), and the word
    diff of every section from the first to the second."""
    old_version = module_version_get(module=module, number=old)
    new_version = module_version_get(module=module, number=new)
    return {
        "old": old_version,
        "new": new_version,
        "rows": version_comparison(old=old_version, new=new_version),
    }


def _reviewers_with_decisions(
    round: ReviewRound, decision_of: dict[int, Decision]
) -> list[Reviewer]:
    """The round's reviewers, each with ``decision`` set to theirs, or None, ``has_left`` (no
    longer an active member) and ``may_sign_off`` (their role, now, signs off)."""
    reviewers = list(round.reviewers.select_related("membership__user"))
    for reviewer in reviewers:
        reviewer.decision = decision_of.get(reviewer.membership_id)
        reviewer.has_left = not reviewer.membership.is_active
        reviewer.may_sign_off = not reviewer.has_left and role_allows(
            reviewer.membership.role, SIGN_OFF
        )
    return reviewers


def _sections_under_review(
    version: ModuleVersion, previous: ModuleVersion | None, threads: list[Comment]
) -> list[dict]:
    """The frozen sections, each with its word diff from ``previous``, whether it is new since
    then, and its comment threads."""
    hidden = erased_story_text_hidden([v for v in (version, previous) if v is not None])
    changes = {}
    if previous is not None:
        changes = {
            row["id"]: row for row in version_comparison(old=previous, new=version, hidden=hidden)
        }
    return [
        {
            **section,
            "diff_html": changes[section["id"]]["diff_html"] if changes else "",
            "is_new": bool(changes) and changes[section["id"]]["status"] == SectionChange.ADDED,
            "facilitator_only": section["audience"] == SectionAudience.FACILITATORS,
            "threads": [t for t in threads if t.section_id == section["id"]],
        }
        for section in readable_sections(version, hidden[version.pk])
    ]


def round_sign_off_state(
    *, round: ReviewRound, decisions: list[Decision] | None = None
) -> SignOffState:
    """The two-key rule applied to the round's decisions: those given when a page has already
    loaded them, else read here."""
    organisation = organisation_of(round)
    if decisions is None:
        rows = round.decisions.values_list("kind", "perspective", "content_hash")
    else:
        rows = [(d.kind, d.perspective, d.content_hash) for d in decisions]
    return sign_off_state(
        rows,
        content_hash=round.version.content_hash,
        family_carer_needed=organisation.family_carer_approvals_needed,
        professional_needed=organisation.professional_approvals_needed,
    )


def round_sign_off_shortfall(
    *, round: ReviewRound, reviewers: list[Reviewer], state: SignOffState
) -> Shortfall:
    """What the round could still not reach if every reviewer who may still sign off approved
    (``reviewers`` as ``_reviewers_with_decisions`` gives them): approvals already given count,
    and so does each reviewer still a member in a role that signs off who has not approved.
    A shortfall means the round can no longer be agreed (a reviewer left, changed role, or the
    organisation asks for more approvals now)."""
    approvals = [Perspective.FAMILY_CARER] * state.family_carer_approvals + [
        Perspective.PROFESSIONAL
    ] * state.professional_approvals
    still_able = [
        r.membership.perspective
        for r in reviewers
        if r.may_sign_off and not _counted_approval(r.decision, round)
    ]
    return sign_off_shortfall(
        approvals + still_able,
        family_carer_needed=state.family_carer_needed,
        professional_needed=state.professional_needed,
    )


def _counted_approval(decision: Decision | None, round: ReviewRound) -> bool:
    return (
        decision is not None
        and decision.kind == DecisionKind.APPROVE
        and decision.content_hash == round.version.content_hash
    )


def review_round_page(*, round: ReviewRound, membership: Membership, user: User) -> dict:
    """What the round page shows: the frozen text with its changes and comments, the reviewers
    and their decisions, the sign-off so far, the open items from earlier rounds and what
    ``membership`` may do here."""
    version = round.version
    organisation = organisation_of(round)
    previous = previous_version_for_round(round=round)
    threads = round_comments(module=round.module)
    decisions = list(round.decisions.all())
    decision_of = {d.membership_id: d for d in decisions}
    reviewers = _reviewers_with_decisions(round, decision_of)
    is_reviewer = membership.pk in {r.membership_id for r in reviewers}
    section_ids = {s["id"] for s in version.sections}
    state = round_sign_off_state(round=round, decisions=decisions)
    return {
        "version": version,
        "previous": previous,
        "sections": _sections_under_review(version, previous, threads),
        "general_threads": [t for t in threads if t.section_id not in section_ids],
        "open_items": [t for t in threads if not t.is_resolved and t.round.number < round.number],
        # What the team agreed to change after reading attendees' answers, until it is done.
        "feedback_actions": (
            list(open_feedback_actions(module=round.module)) if round.is_open else []
        ),
        "reviewers": reviewers,
        "state": state,
        "shortfall": (
            round_sign_off_shortfall(round=round, reviewers=reviewers, state=state)
            if round.is_open
            else None
        ),
        "is_reviewer": is_reviewer,
        "can_sign_off": can(user, SIGN_OFF, organisation) and is_reviewer,
        "can_comment": can(user, COMMENT, organisation),
        "my_decision": decision_of.get(membership.pk),
        "stamp": agreed_stamp(version=version),
    }


def _signatory(membership: Membership, perspective: str) -> dict:
    name = membership.credit_name_as(perspective)
    label = perspective_label(perspective)
    anonymous = membership.credit_preference == CreditPreference.ANONYMOUS
    # An anonymous name already says the perspective ("a family carer").
    return {"name": name, "perspective": label, "label": name if anonymous else f"{name} ({label})"}


def agreed_stamp(*, version: ModuleVersion | None) -> dict | None:
    """The agreed version's sign-off: who approved it, credited as they chose, and when."""
    if version is None or version.agreed_at is None:
        return None
    approvals = (
        Decision.objects.filter(
            round__version=version, kind=DecisionKind.APPROVE, content_hash=version.content_hash
        )
        .select_related("membership__user")
        .order_by("decided_at")
    )
    return {
        "version": version,
        "agreed_at": version.agreed_at,
        "signatories": [
            # As they were when signing: a later change of perspective doesn't rewrite history.
            _signatory(d.membership, d.perspective)
            for d in approvals
        ],
    }
