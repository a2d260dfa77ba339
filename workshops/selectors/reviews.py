"""Review rounds, comments, frozen versions and the agreed stamp."""

from workshops.attribution import word_diff
from workshops.enums import CreditPreference, DecisionKind, RoundStatus
from workshops.models import (
    Comment,
    Decision,
    Membership,
    ModuleVersion,
    ReviewRound,
)
from workshops.models.organisations import perspective_label
from workshops.rules import COMMENT, role_allows

from .base import get_or_404
from .content import workshops_visible


def review_candidates(*, organisation):
    """Members who may review: everyone whose role can at least comment."""
    members = Membership.active.filter(organisation=organisation).select_related("user")
    return [m for m in members.order_by("user__full_name") if role_allows(m.role, COMMENT)]


def review_round_get(*, user, pk):
    return get_or_404(
        ReviewRound.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "version", "opened_by__user"
        ),
        pk=pk,
    )


def comment_get(*, user, pk):
    return get_or_404(
        Comment.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "round"
        ),
        pk=pk,
    )


def module_rounds(*, module):
    return (
        module.review_rounds.select_related("version", "opened_by__user")
        .prefetch_related("decisions__membership__user", "reviewers__membership__user")
        .order_by("-number")
    )


def open_round(*, module):
    return module.review_rounds.filter(status=RoundStatus.OPEN).select_related("version").first()


def round_comments(*, module):
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


def previous_version_for_round(*, round):
    """What a round is compared with: the last agreed version before it, else the previous
    round's version, else nothing."""
    earlier = ModuleVersion.objects.filter(
        module_id=round.module_id, number__lt=round.version.number
    )
    return (
        earlier.filter(agreed_at__isnull=False).order_by("-number").first()
        or earlier.order_by("-number").first()
    )


def version_comparison(*, old, new):
    """Per section of either frozen version: its id, heading, whether it was added, changed or
    removed, and the word diff from old to new."""
    rows = []
    for section in new.sections:
        before = old.section_snapshot(section["id"])
        rows.append(
            {
                "id": section["id"],
                "title": section["title"],
                "status": "changed" if before else "added",
                "diff": word_diff(before["body"] if before else "", section["body"]),
            }
        )
    new_ids = {section["id"] for section in new.sections}
    for section in old.sections:
        if section["id"] not in new_ids:
            rows.append(
                {
                    "id": section["id"],
                    "title": section["title"],
                    "status": "removed",
                    "diff": word_diff(section["body"], ""),
                }
            )
    return rows


def module_version_get(*, module, number):
    return get_or_404(module.versions, number=number)


def _signatory(membership, perspective):
    name = membership.credit_name_as(perspective)
    label = perspective_label(perspective)
    anonymous = membership.credit_preference == CreditPreference.ANONYMOUS
    # An anonymous name already says the perspective ("a family carer").
    return {"name": name, "perspective": label, "label": name if anonymous else f"{name} ({label})"}


def agreed_stamp(*, version):
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
