"""Everything coprod holds about one person, for their right of access: their memberships,
their words and where they stand, comments, decisions, time and payment records, expenses,
consents and log entries.
Scoped to organisations: a lead asking on someone's behalf gets only their own organisation's."""

from django.db.models import Q

from workshops.attribution import words_by_author
from workshops.enums import Action
from workshops.models import (
    Comment,
    ContributionEntry,
    Decision,
    Expense,
    Membership,
    Organisation,
    Section,
    StoryConsent,
    TimeEntry,
    User,
)
from workshops.pay import pence_to_pounds

ACTION_LABELS = dict(Action.choices)


def _memberships(user: User, organisations: list[Organisation] | None) -> list[Membership]:
    found = Membership.objects.filter(user=user).select_related("organisation")
    if organisations is not None:
        found = found.filter(organisation__in=organisations)
    return list(found.order_by("organisation__name", "pk"))


def _words(membership_ids: set[int], memberships: list[Membership]) -> list[dict]:
    """Each current section holding words the person wrote, with how many and where it is."""
    rows = []
    sections = Section.objects.filter(
        module__workshop__organisation__in=[m.organisation_id for m in memberships]
    ).select_related("module__workshop", "module__agreed_version")
    for section in sections.order_by("module__workshop__title", "module__position", "position"):
        mine = sum(
            count
            for author, count in words_by_author(section.attribution).items()
            if author in membership_ids
        )
        if mine:
            rows.append(
                {
                    "workshop": section.module.workshop.title,
                    "module": section.module.title,
                    "section": section.title,
                    "your_words": mine,
                    "version": section.version,
                    "module_agreed_version": (
                        section.module.agreed_version.number
                        if section.module.agreed_version
                        else ""
                    ),
                    "text": section.body,
                }
            )
    return rows


def _account(user: User) -> list[dict]:
    return [
        {
            "full_name": user.full_name,
            "first_name": user.first_name,
            "email": user.email,
            "joined": user.date_joined.isoformat(),
            "emails_on": user.email_notifications,
        }
    ]


def _membership_rows(memberships: list[Membership]) -> list[dict]:
    return [
        {
            "organisation": m.organisation.name,
            "role": m.get_role_display(),
            "perspective": m.get_perspective_display(),
            "job_title": m.job_title,
            "credited_as": m.get_credit_preference_display(),
            "joined": m.created_at.isoformat(),
            "left": m.removed_at.isoformat() if m.removed_at else "",
        }
        for m in memberships
    ]


def _comments(ids: set[int]) -> list[dict]:
    comments = Comment.objects.filter(author__in=ids).select_related("module", "round")
    return [
        {
            "module": c.module.title,
            "round": c.round.number,
            "written": c.created_at.isoformat(),
            "quote": c.quote,
            "comment": c.body,
            "resolved": c.resolved_at.isoformat() if c.resolved_at else "",
        }
        for c in comments.order_by("created_at")
    ]


def _decisions(ids: set[int]) -> list[dict]:
    decisions = Decision.objects.filter(membership__in=ids).select_related("round__module")
    return [
        {
            "module": d.round.module.title,
            "round": d.round.number,
            "decision": d.get_kind_display(),
            "reason": d.reason,
            "decided": d.decided_at.isoformat(),
        }
        for d in decisions.order_by("decided_at")
    ]


def _time(ids: set[int]) -> list[dict]:
    entries = TimeEntry.objects.filter(membership__in=ids).select_related(
        "membership__organisation"
    )
    return [
        {
            "organisation": t.membership.organisation.name,
            "date": t.date.isoformat(),
            "minutes": t.minutes,
            "activity": t.get_activity_display(),
            "payment": t.get_payment_display(),
            "amount": pence_to_pounds(t.amount_pence),
            "reduced_to": pence_to_pounds(t.reduced_pence) or "",
            "note": t.note,
        }
        for t in entries.order_by("date", "pk")
    ]


def _expenses(ids: set[int]) -> list[dict]:
    return [
        {
            "date": e.date.isoformat(),
            "kind": e.get_kind_display(),
            "miles": e.miles if e.miles is not None else "",
            "amount": pence_to_pounds(e.amount_pence),
            "receipt": e.receipt_note,
        }
        for e in Expense.objects.filter(membership__in=ids).order_by("date", "pk")
    ]


def _consents(ids: set[int]) -> list[dict]:
    people = Q(teller__in=ids) | Q(recorded_by__in=ids) | Q(witness__in=ids)
    parts = (
        ("whose story", "teller_id"),
        ("recorded it", "recorded_by_id"),
        ("witness", "witness_id"),
    )
    return [
        {
            "story": c.section.title,
            "your_part": ", ".join(part for part, field in parts if getattr(c, field) in ids),
            "who_may_read": c.get_audience_display(),
            "named_as": c.get_naming_display(),
            "ends": c.expires_on.isoformat(),
            "withdrawn": c.withdrawn_at.isoformat() if c.withdrawn_at else "",
        }
        for c in StoryConsent.objects.filter(people).select_related("section").order_by("pk")
    ]


def _log(ids: set[int]) -> list[dict]:
    return [
        {
            "when": e.created_at.isoformat(),
            "action": ACTION_LABELS.get(e.action, e.action),
            "what": f"{e.target_type} {e.target_id}",
            "words_added": e.words_added,
            "words_removed": e.words_removed,
        }
        for e in ContributionEntry.objects.filter(membership_id__in=ids).order_by("pk")
    ]


def person_data(*, user: User, organisations: list[Organisation] | None = None) -> dict:
    """The person's data as tables (lists of plain dicts), one per kind of record. With
    ``organisations``, only what belongs to those (a lead's request); without, everything."""
    memberships = _memberships(user, organisations)
    ids = {m.pk for m in memberships}
    return {
        "account": _account(user),
        "memberships": _membership_rows(memberships),
        "words": _words(ids, memberships),
        "comments": _comments(ids),
        "decisions": _decisions(ids),
        "time": _time(ids),
        "expenses": _expenses(ids),
        "consents": _consents(ids),
        "log": _log(ids),
    }
