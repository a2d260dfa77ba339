"""What needs the signed-in person, across every organisation they belong to: the home page."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from workshops.enums import DecisionKind, RoundStatus
from workshops.models import (
    CoDesignSession,
    Comment,
    ContributionEntry,
    Decision,
    Membership,
    ReviewRound,
    Section,
    User,
    Workshop,
)

from .base import workshops_visible
from .members import memberships_for_user

ENDED_ROUNDS = (RoundStatus.AGREED, RoundStatus.CHANGES_REQUESTED, RoundStatus.WITHDRAWN)
# A session that began a little while ago and has not been ended is still worth joining.
SESSION_STILL_COMING = timedelta(hours=3)


def home_page(*, user: User) -> dict:
    """The home page's groups, each a list, in a fixed number of queries however many rounds,
    comments and sessions there are: reviews waiting for the person's decision, comments on
    words they wrote, what the last round of modules they work on left open, the co-design
    sessions coming up, and their workshops (by organisation)."""
    memberships = list(memberships_for_user(user))
    mine = [membership.pk for membership in memberships]
    visible = workshops_visible(user)
    groups = {
        "reviews_waiting": reviews_waiting(memberships=mine, workshops=visible),
        "comments_on_my_words": comments_on_my_words(memberships=mine, workshops=visible),
        "open_items": last_round_open_items(memberships=mine, workshops=visible),
        "coming_sessions": coming_sessions(workshops=visible),
        # Deliveries the person leads or co-leads join these groups once deliveries exist.
    }
    return {
        **groups,
        "memberships": memberships,
        "nothing_needs_you": not any(groups.values()),
        "workshops": list(
            visible.select_related("organisation").order_by("organisation__name", "title", "pk")
        ),
    }


def _in_live_modules(queryset: QuerySet, workshops: QuerySet[Workshop]) -> QuerySet:
    """Only what is in the person's organisations, and not in a deleted module."""
    return queryset.filter(module__workshop__in=workshops, module__deleted_at__isnull=True)


def _modules_worked_on(memberships: list[int]) -> QuerySet:
    """The ids of the modules the person has contributed to, from the contribution log."""
    return ContributionEntry.objects.filter(
        membership_id__in=memberships, module_id__isnull=False
    ).values("module_id")


def reviews_waiting(*, memberships: list[int], workshops: QuerySet[Workshop]) -> list[ReviewRound]:
    """Open rounds the person was asked to review and has not decided on yet, soonest due
    first."""
    decided = Decision.objects.filter(round=OuterRef("pk"), membership_id__in=memberships)
    asked = ReviewRound.objects.filter(
        status=RoundStatus.OPEN, reviewers__membership_id__in=memberships
    )
    return list(
        _in_live_modules(asked, workshops)
        .filter(~Exists(decided))
        .select_related("module__workshop__organisation")
        .distinct()
        .order_by("due_date", "opened_at", "pk")
    )


def comments_on_my_words(*, memberships: list[int], workshops: QuerySet[Workshop]) -> list[Comment]:
    """Unresolved comments by others on sections in which the person's words are now, newest
    first; the words are found from each section's word attribution."""
    comments = list(
        _in_live_modules(
            Comment.objects.filter(parent__isnull=True, resolved_at__isnull=True), workshops
        )
        # Only where the person has written at all, before their words are looked for.
        .filter(section_id__isnull=False, module_id__in=_modules_worked_on(memberships))
        .exclude(author_id__in=memberships)
        .select_related("author__user", "round", "module__workshop__organisation")
        .order_by("-created_at", "-pk")
    )
    section_ids = {comment.section_id for comment in comments}
    sections = Section.objects.filter(pk__in=section_ids).values_list("pk", "title", "attribution")
    mine = set(memberships)
    written = {pk: title for pk, title, runs in sections if any(run[0] in mine for run in runs)}
    shown = [comment for comment in comments if comment.section_id in written]
    for comment in shown:
        comment.section_title = written[comment.section_id]
    return shown


def last_round_open_items(
    *, memberships: list[int], workshops: QuerySet[Workshop]
) -> list[ReviewRound]:
    """For each module the person has worked on, its last ended round, when something from
    it is still open: each with ``changes_requested`` (decisions asking for changes) and
    ``open_comments`` (its unresolved comments)."""
    worked_on = _modules_worked_on(memberships)
    last_ended = (
        ReviewRound.objects.filter(module=OuterRef("module"), status__in=ENDED_ROUNDS)
        .order_by("-number")
        .values("pk")[:1]
    )
    rounds = list(
        _in_live_modules(ReviewRound.objects.filter(module_id__in=worked_on), workshops)
        .filter(pk=Subquery(last_ended))
        .select_related("module__workshop__organisation")
        .order_by("-closed_at", "-pk")
    )
    by_round = {r.pk: r for r in rounds}
    for r in rounds:
        r.changes_requested, r.open_comments = [], []
    asked = Decision.objects.filter(round_id__in=list(by_round), kind=DecisionKind.REQUEST_CHANGES)
    for decision in asked.select_related("membership__user").order_by("decided_at"):
        by_round[decision.round_id].changes_requested.append(decision)
    still_open = Comment.objects.filter(
        round_id__in=list(by_round), parent__isnull=True, resolved_at__isnull=True
    )
    for comment in still_open.select_related("author__user").order_by("created_at", "pk"):
        by_round[comment.round_id].open_comments.append(comment)
    return [r for r in rounds if r.changes_requested or r.open_comments]


def coming_sessions(*, workshops: QuerySet[Workshop]) -> list[CoDesignSession]:
    """Co-design sessions of the person's organisations not yet ended and not long begun,
    soonest first."""
    since = timezone.now() - SESSION_STILL_COMING
    return list(
        CoDesignSession.objects.filter(
            workshop__in=workshops, ended_at__isnull=True, starts_at__gte=since
        )
        .select_related("workshop__organisation")
        .order_by("starts_at", "pk")
    )


def current_membership(*, memberships: list[Membership], organisation_id: object) -> Membership:
    """The membership of the organisation the person chose last, else their first one."""
    return next((m for m in memberships if m.organisation_id == organisation_id), memberships[0])
