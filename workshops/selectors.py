"""Reads, always scoped to what the user may see.

Every function that fetches an object by id answers Http404 both when it does not exist and when
it belongs to an organisation the user is not an active member of, so the two cannot be told apart.
"""

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from workshops.attribution import word_diff, words_by_author
from workshops.balance import balance_of
from workshops.enums import CreditPreference, DecisionKind, RoundStatus
from workshops.models import (
    CoDesignSession,
    Comment,
    ContributionEntry,
    Decision,
    Membership,
    Module,
    ModuleVersion,
    Organisation,
    Pack,
    ReviewRound,
    Section,
    TimeEntry,
    User,
    Workshop,
)
from workshops.models.organisations import perspective_label
from workshops.rules import COMMENT, role_allows


def _get_or_404(queryset, **lookup):
    """The one object matching ``lookup`` in ``queryset``, or 404, also for ids that are not
    numbers. Callers pass querysets already scoped to the user's organisations."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def organisations_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__removed_at__isnull=True
    ).distinct()


def memberships_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, removed_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisation_get(*, user, pk):
    return _get_or_404(organisations_for_user(user), pk=pk)


def workshops_visible(user):
    if not user.is_authenticated or not user.is_active:
        return Workshop.objects.none()
    return Workshop.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__removed_at__isnull=True,
    )


def workshop_list(*, user, organisation):
    return (
        workshops_visible(user)
        .filter(organisation=organisation)
        .annotate(module_count=Count("modules", filter=Q(modules__deleted_at__isnull=True)))
        .order_by("title", "pk")
    )


def workshop_get(*, user, pk):
    return _get_or_404(workshops_visible(user).select_related("organisation"), pk=pk)


def workshop_modules(*, workshop):
    """The workshop's modules in order, each with its number of sections, in one query."""
    return workshop.modules.annotate(
        section_count=Count("sections", filter=Q(sections__deleted_at__isnull=True))
    ).order_by("position", "pk")


def module_get(*, user, pk):
    return _get_or_404(
        Module.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "agreed_version"
        ),
        pk=pk,
    )


def module_sections(*, module):
    # The page shows the cleaned HTML; the markdown source can be long and isn't needed.
    return module.sections.defer("body").order_by("position", "pk")


def section_get(*, user, pk):
    return _get_or_404(
        Section.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation"
        ),
        pk=pk,
    )


def organisation_members(*, organisation):
    return (
        organisation.memberships.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def membership_get(*, organisation, pk):
    return _get_or_404(organisation_members(organisation=organisation), pk=pk)


def user_exists(*, email):
    return User.objects.filter(email=email.lower()).exists()


def pending_invitations(*, organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by__user"
    )


def section_revisions(*, section):
    return section.revisions.select_related("author__user").order_by("-version")


def revision_get(*, section, version):
    return _get_or_404(section.revisions.select_related("author__user"), version=version)


def deleted_sections(*, module):
    return Section.all_objects.filter(module=module, deleted_at__isnull=False).order_by(
        "-deleted_at"
    )


def deleted_section_get(*, user, pk):
    return _get_or_404(
        Section.all_objects.filter(
            module__workshop__in=workshops_visible(user), deleted_at__isnull=False
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )


def memberships_by_id(*, organisation):
    """Every membership the organisation has had, removed ones included: past work keeps its
    credit after a person leaves."""
    return {m.pk: m for m in organisation.memberships.select_related("user")}


def _balances(*, organisation, section_rows, contribution_rows, memberships):
    perspective_of = {pk: m.perspective for pk, m in memberships.items()}
    threshold = organisation.balance_threshold_percent
    words = {}
    for key, runs in section_rows:
        totals = words.setdefault(key, {})
        for author, count in words_by_author(runs).items():
            totals[author] = totals.get(author, 0) + count
    contributions = {}
    for key, perspective, count in contribution_rows:
        contributions.setdefault(key, {})[perspective] = count
    keys = set(words) | set(contributions)
    return {
        key: balance_of(words.get(key, {}), perspective_of, contributions.get(key), threshold)
        for key in keys
    }


def workshop_balance(*, workshop, memberships):
    """(balance per module id, balance of the whole workshop), in two queries."""
    section_rows = list(
        Section.objects.filter(
            module__workshop=workshop, module__deleted_at__isnull=True
        ).values_list("module_id", "attribution")
    )
    contribution_rows = list(
        ContributionEntry.objects.filter(workshop_id=workshop.pk)
        .values("module_id", "perspective")
        .annotate(count=Count("pk"))
        .values_list("module_id", "perspective", "count")
    )
    per_module = _balances(
        organisation=workshop.organisation,
        section_rows=section_rows,
        contribution_rows=[row for row in contribution_rows if row[0] is not None],
        memberships=memberships,
    )
    whole = _balances(
        organisation=workshop.organisation,
        section_rows=[(None, runs) for _, runs in section_rows],
        contribution_rows=_summed_by_perspective(contribution_rows),
        memberships=memberships,
    )
    return per_module, whole.get(None) or balance_of({}, {})


def _summed_by_perspective(rows):
    totals = {}
    for _, perspective, count in rows:
        totals[perspective] = totals.get(perspective, 0) + count
    return [(None, perspective, count) for perspective, count in totals.items()]


def contribution_log(
    *, organisation, membership_id=None, module_id=None, action=None, date_from=None, date_to=None
):
    """The organisation's log, newest first, filtered."""
    entries = ContributionEntry.objects.filter(organisation=organisation).select_related(
        "membership__user"
    )
    if membership_id:
        entries = entries.filter(membership_id=membership_id)
    if module_id:
        entries = entries.filter(module_id=module_id)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-pk")


def organisation_modules(*, organisation):
    return (
        Module.all_objects.filter(workshop__organisation=organisation)
        .select_related("workshop")
        .order_by("workshop__title", "position")
    )


def module_balance(*, module, sections, memberships):
    """The module's balance, from its already loaded sections and one query for contributions."""
    contribution_rows = list(
        ContributionEntry.objects.filter(module_id=module.pk)
        .values("perspective")
        .annotate(count=Count("pk"))
        .values_list("perspective", "count")
    )
    balances = _balances(
        organisation=module.workshop.organisation,
        section_rows=[(None, section.attribution) for section in sections],
        contribution_rows=[(None, perspective, count) for perspective, count in contribution_rows],
        memberships=memberships,
    )
    return balances.get(None) or balance_of({}, {})


# Reviews


def review_candidates(*, organisation):
    """Members who may review: everyone whose role can at least comment."""
    members = Membership.active.filter(organisation=organisation).select_related("user")
    return [m for m in members.order_by("user__full_name") if role_allows(m.role, COMMENT)]


def review_round_get(*, user, pk):
    return _get_or_404(
        ReviewRound.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation", "version", "opened_by__user"
        ),
        pk=pk,
    )


def comment_get(*, user, pk):
    return _get_or_404(
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
    return _get_or_404(module.versions, number=number)


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


# Packs


def pack_get(*, user, pk):
    return _get_or_404(
        Pack.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "module"
        ),
        pk=pk,
    )


def workshop_packs(*, workshop):
    return workshop.packs.select_related("module", "requested_by__user").order_by("-created_at")


# Co-design sessions and time


def session_get(*, user, pk):
    return _get_or_404(
        CoDesignSession.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "facilitator__user"
        ),
        pk=pk,
    )


def live_section_get(*, user, session, pk):
    """A section on the session's agenda that the user may see, or 404."""
    return _get_or_404(
        Section.objects.filter(
            module__in=session.agenda.all(), module__workshop__in=workshops_visible(user)
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )


def workshop_sessions(*, workshop):
    return workshop.sessions.select_related("facilitator__user").order_by("-starts_at")


def session_agenda_sections(*, session):
    """The agenda's modules in order, each with its sections, in two queries."""
    modules = list(session.agenda.order_by("position", "pk"))
    sections = Section.objects.filter(module__in=modules).order_by("position", "pk")
    by_module = {}
    for section in sections:
        by_module.setdefault(section.module_id, []).append(section)
    for module in modules:
        module.live_sections = by_module.get(module.pk, [])
    return modules


def session_present(*, session):
    """Who is in the live room now (an open stay), once each."""
    stays = session.attendance.filter(left_at__isnull=True).select_related("membership__user")
    return list({stay.membership_id: stay.membership for stay in stays}.values())


def attendance_minutes(*, session, now=None):
    """Minutes each person spent in the session's rooms, counting overlapping stays once."""
    now = now or timezone.now()
    stays = {}
    for stay in session.attendance.order_by("joined_at"):
        stays.setdefault(stay.membership_id, []).append((stay.joined_at, stay.left_at or now))
    minutes = {}
    for membership_id, intervals in stays.items():
        total, current_start, current_end = 0.0, None, None
        for start, end in intervals:
            if current_end is None or start > current_end:
                if current_end is not None:
                    total += (current_end - current_start).total_seconds()
                current_start, current_end = start, end
            else:
                current_end = max(current_end, end)
        if current_end is not None:
            total += (current_end - current_start).total_seconds()
        minutes[membership_id] = round(total / 60)
    return minutes


def time_entries(*, organisation, membership=None, start=None, end=None):
    entries = TimeEntry.objects.filter(membership__organisation=organisation).select_related(
        "membership__user", "session"
    )
    if membership is not None:
        entries = entries.filter(membership=membership)
    if start is not None:
        entries = entries.filter(date__gte=start)
    if end is not None:
        entries = entries.filter(date__lte=end)
    return entries.order_by("-date", "-pk")
