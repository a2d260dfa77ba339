"""Workshops, modules and sections, scoped to the user's organisations; their history."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops.attribution import attributed_segments, words_by_author
from workshops.balance import credit_line
from workshops.enums import RoundStatus
from workshops.models import (
    FeedbackAction,
    Membership,
    Module,
    Organisation,
    ReviewRound,
    Section,
    SectionRevision,
    User,
    Workshop,
)
from workshops.models.reviews import content_hash_of

from .base import get_or_404, workshops_visible
from .consent import attach_consents
from .contributions import module_balance, workshop_balance
from .evaluation import open_feedback_actions
from .members import memberships_by_id
from .reviews import agreed_stamp

# Each author gets a pattern as well as a colour, so the marks never rely on colour alone.
AUTHOR_STYLES = 8

# Where a module is on its way to a printed pack. Shown in words as well as colour.
DRAFT, IN_REVIEW, AGREED, CHANGED = "draft", "in_review", "agreed", "changed"
STATUS_LABELS = {
    DRAFT: gettext_lazy("Draft"),
    IN_REVIEW: gettext_lazy("In review"),
    AGREED: gettext_lazy("Agreed"),
    CHANGED: gettext_lazy("Changed since agreed"),
}


@dataclass
class ModuleStatus:
    """One module's status; for "changed since agreed", what changed, each with a link."""

    key: str
    open_round: ReviewRound | None = None
    changed_since_agreed: bool = False
    changes: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.key]


def module_snapshot_of(module: Module, sections: list[Section]) -> dict:
    """The module's text and settings as plain data, given its live sections in order: what a
    review round freezes, and what its content hash is taken over."""
    return {
        "module": {
            "id": module.pk,
            "title": module.title,
            "learning_outcomes": module.learning_outcomes,
            "planned_minutes": module.planned_minutes,
        },
        "sections": [_section_snapshot(section) for section in sections],
    }


def _section_snapshot(section: Section) -> dict:
    snapshot = {
        "id": section.pk,
        "version": section.version,
        "title": section.title,
        "kind": section.kind,
        "audience": section.audience,
        "content_note": section.content_note,
        "source_tags": list(section.source_tags),
        "body": section.body,
        "body_html": section.body_html,
        "attribution": section.attribution,
    }
    # Only questions carry the key, so every other version's hash is what it always was.
    if section.question:
        snapshot["question"] = dict(section.question)
    return snapshot


def _changes_since(module: Module, snapshot: dict, sections: list[Section]) -> list[dict]:
    """What differs between the agreed snapshot and the module now: each changed or new section
    with a link to its difference, each removed one by its heading, and the module's details."""
    agreed = {s["id"]: s for s in snapshot["sections"]}
    current = module_snapshot_of(module, sections)
    changes = []
    if current["module"] != snapshot["module"]:
        changes.append({"title": _("The module’s details"), "url": None, "kind": "details"})
    for now, section in zip(current["sections"], sections, strict=True):
        before = agreed.pop(section.pk, None)
        if before is None:
            changes.append({"title": section.title, "url": _section_url(section), "kind": "added"})
        elif before != now:
            url = reverse("section_compare", kwargs={"pk": section.pk})
            url += f"?old={before['version']}&new={section.version}"
            changes.append({"title": section.title, "url": url, "kind": "changed"})
    for before in agreed.values():
        changes.append({"title": before["title"], "url": None, "kind": "removed"})
    return changes


def _section_url(section: Section) -> str:
    return reverse("module_detail", kwargs={"pk": section.module_id}) + f"#section-{section.pk}"


def module_statuses(*, modules: list[Module]) -> dict[int, ModuleStatus]:
    """Each module's status by id, in at most two queries however many modules: their open
    rounds, and the current text of those that were agreed (to compare with the agreed hash).
    The modules come with ``agreed_version`` loaded."""
    ids = [module.pk for module in modules]
    open_rounds = {
        r.module_id: r
        for r in ReviewRound.objects.filter(module_id__in=ids, status=RoundStatus.OPEN)
    }
    agreed = [m for m in modules if m.agreed_version_id and m.agreed_version.agreed_at]
    sections_of = {module.pk: [] for module in agreed}
    if agreed:
        live = Section.objects.filter(module_id__in=list(sections_of))
        for section in live.order_by("module_id", "position", "pk"):
            sections_of[section.module_id].append(section)
    statuses = {}
    for module in modules:
        status = ModuleStatus(DRAFT, open_round=open_rounds.get(module.pk))
        if module.pk in sections_of:
            sections = sections_of[module.pk]
            version = module.agreed_version
            current = content_hash_of(module_snapshot_of(module, sections))
            status.key = AGREED
            if current != version.content_hash:
                status.key = CHANGED
                status.changed_since_agreed = True
                status.changes = _changes_since(module, version.snapshot, sections)
        if status.open_round is not None:
            status.key = IN_REVIEW
        statuses[module.pk] = status
    return statuses


def workshop_list(*, user: User, organisation: Organisation) -> QuerySet[Workshop]:
    return (
        workshops_visible(user)
        .filter(organisation=organisation)
        .annotate(module_count=Count("modules", filter=Q(modules__deleted_at__isnull=True)))
        .order_by("title", "pk")
    )


def workshop_get(*, user: User, pk: object) -> Workshop:
    return get_or_404(workshops_visible(user).select_related("organisation"), pk=pk)


def workshop_list_page(*, user: User, organisation: Organisation) -> dict:
    """The organisation's workshops, each with how many of its modules are at each status
    (draft, in review, agreed, changed since agreed), in a fixed number of queries."""
    workshops = list(workshop_list(user=user, organisation=organisation))
    modules = list(
        Module.objects.filter(workshop__in=workshops)
        .select_related("agreed_version")
        .order_by("workshop_id", "position", "pk")
    )
    statuses = module_statuses(modules=modules)
    counts = {workshop.pk: Counter() for workshop in workshops}
    for module in modules:
        counts[module.workshop_id][statuses[module.pk].key] += 1
    for workshop in workshops:
        workshop.status_counts = [
            {"key": key, "label": STATUS_LABELS[key], "count": counts[workshop.pk][key]}
            for key in (DRAFT, IN_REVIEW, AGREED, CHANGED)
            if counts[workshop.pk][key]
        ]
    return {"workshops": workshops}


def workshop_modules(*, workshop: Workshop) -> QuerySet[Module]:
    """The workshop's modules in order, each with its number of sections, in one query."""
    return (
        workshop.modules.annotate(
            section_count=Count("sections", filter=Q(sections__deleted_at__isnull=True))
        )
        .select_related("agreed_version")
        .order_by("position", "pk")
    )


def module_get(*, user: User, pk: object) -> Module:
    return get_or_404(
        Module.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "agreed_version"
        ),
        pk=pk,
    )


def module_sections(*, module: Module) -> QuerySet[Section]:
    # The page shows the cleaned HTML; the markdown source can be long and isn't needed.
    return module.sections.defer("body").order_by("position", "pk")


def section_get(*, user: User, pk: object) -> Section:
    return get_or_404(
        Section.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation"
        ),
        pk=pk,
    )


def section_revisions(*, section: Section) -> QuerySet[SectionRevision]:
    return section.revisions.select_related("author__user").order_by("-version")


def revision_get(*, section: Section, version: object) -> SectionRevision:
    return get_or_404(section.revisions.select_related("author__user"), version=version)


def deleted_sections(*, module: Module) -> QuerySet[Section]:
    return Section.all_objects.filter(module=module, deleted_at__isnull=False).order_by(
        "-deleted_at"
    )


def deleted_section_get(*, user: User, pk: object) -> Section:
    return get_or_404(
        Section.all_objects.filter(
            module__workshop__in=workshops_visible(user), deleted_at__isnull=False
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )


def section_versions(*, section: Section) -> list[int]:
    return list(section.revisions.values_list("version", flat=True))


def workshop_page(*, workshop: Workshop) -> dict:
    """The workshop's modules, each carrying its balance of lived and learned experience, and
    the balance of the whole workshop."""
    memberships = memberships_by_id(organisation=workshop.organisation)
    per_module, whole = workshop_balance(workshop=workshop, memberships=memberships)
    modules = list(workshop_modules(workshop=workshop))
    statuses = module_statuses(modules=modules)
    for module in modules:
        module.balance = per_module.get(module.pk)
        module.status = statuses[module.pk]
    delivered_with = set(
        Membership.objects.filter(
            delivery_sessions__delivery__workshop=workshop,
            delivery_sessions__starts_at__lte=timezone.now(),
        ).values_list("perspective", flat=True)
    )
    return {
        "credit_line": credit_line(whole, delivered_with),
        # The evaluation is written and signed off like a module, but listed on its own.
        "modules": [module for module in modules if not module.is_evaluation],
        "evaluation": next((module for module in modules if module.is_evaluation), None),
        "balance": whole,
        "balance_people": whole.people(memberships),
    }


def module_page(*, module: Module) -> dict:
    """The module's sections, its balance, its status (with its open review round, and what
    changed since it was agreed) and its agreed stamp."""
    sections = module_section_cards(module=module)
    memberships = memberships_by_id(organisation=module.workshop.organisation)
    balance = module_balance(module=module, sections=sections, memberships=memberships)
    status = module_statuses(modules=[module])[module.pk]
    stamp = agreed_stamp(version=module.agreed_version)

    if stamp is not None:
        stamp["changed"] = status.changed_since_agreed
        stamp["changes"] = status.changes
    return {
        "sections": sections,
        "balance": balance,
        "balance_people": balance.people(memberships),
        "status": status,
        "open_round": status.open_round,
        "stamp": stamp,
        "feedback_open": list(open_feedback_actions(module=module)),
    }


def module_section_cards(*, module: Module) -> list[Section]:
    """The module's sections as its page shows them: each with the attendee-feedback actions
    done by changing it and, for a story, its consent. Three queries."""
    sections = list(module_sections(module=module))
    _attach_feedback_done(sections)
    attach_consents(sections)
    return sections


def _attach_feedback_done(sections: list[Section]) -> None:
    """Give each section the attendee-feedback actions done by changing it: the link back from
    the section to the results that asked for the change. One query."""
    done = {section.pk: [] for section in sections}
    for action in FeedbackAction.objects.filter(
        section__in=sections, done_at__isnull=False
    ).order_by("done_at"):
        done[action.section_id].append(action)
    for section in sections:
        section.feedback_done = done[section.pk]


def section_authors_page(*, section: Section) -> dict:
    """Who wrote what: each author's share (the legend) and the text in runs by author, each run
    with its author's pattern, letter and screen-reader label."""
    members = memberships_by_id(organisation=section.module.workshop.organisation)
    totals = words_by_author(section.attribution)
    total_words = sum(totals.values()) or 1
    order = sorted(totals, key=lambda pk: -totals[pk])
    style_of = {author_id: index % AUTHOR_STYLES for index, author_id in enumerate(order)}
    key_of = {author_id: _legend_key(index) for index, author_id in enumerate(order)}
    legend = [
        {
            "key": key_of[author_id],
            "style": style_of[author_id],
            "member": members.get(author_id),
            "words": totals[author_id],
            "percent": round(100 * totals[author_id] / total_words),
        }
        for author_id in order
    ]
    # Each author's screen-reader label is made once, not once per run of their words.
    label_of = {
        author_id: _("%(name)s, %(perspective)s:")
        % {"name": member.credit_name, "perspective": member.perspective_label}
        for author_id, member in ((pk, members.get(pk)) for pk in order)
        if member is not None
    }
    segments = [
        {
            "text": text,
            "author": members.get(author_id),
            "style": style_of.get(author_id),
            "key": key_of.get(author_id),
            "label": label_of.get(author_id, ""),
        }
        for author_id, text in attributed_segments(section.body, section.attribution)
    ]
    return {"legend": legend, "segments": segments}


def _legend_key(index: int) -> str:
    """A, B, … Z, AA, AB …: a short text label for each author."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
