"""Workshops, modules and sections, scoped to the user's organisations; their history."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from workshops.attribution import attributed_segments, words_by_author
from workshops.models import Module, Organisation, Section, SectionRevision, User, Workshop

from .base import get_or_404, workshops_visible
from .contributions import module_balance, workshop_balance
from .members import memberships_by_id
from .reviews import agreed_stamp, open_round

# Each author gets a pattern as well as a colour, so the marks never rely on colour alone.
AUTHOR_STYLES = 8


def workshop_list(*, user: User, organisation: Organisation) -> QuerySet[Workshop]:
    return (
        workshops_visible(user)
        .filter(organisation=organisation)
        .annotate(module_count=Count("modules", filter=Q(modules__deleted_at__isnull=True)))
        .order_by("title", "pk")
    )


def workshop_get(*, user: User, pk: object) -> Workshop:
    return get_or_404(workshops_visible(user).select_related("organisation"), pk=pk)


def workshop_modules(*, workshop: Workshop) -> QuerySet[Module]:
    """The workshop's modules in order, each with its number of sections, in one query."""
    return workshop.modules.annotate(
        section_count=Count("sections", filter=Q(sections__deleted_at__isnull=True))
    ).order_by("position", "pk")


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
    for module in modules:
        module.balance = per_module.get(module.pk)
    return {"modules": modules, "balance": whole, "balance_people": whole.people(memberships)}


def module_page(*, module: Module) -> dict:
    """The module's sections, its balance, its open review round and its agreed stamp."""
    sections = list(module_sections(module=module))
    memberships = memberships_by_id(organisation=module.workshop.organisation)
    balance = module_balance(module=module, sections=sections, memberships=memberships)
    return {
        "sections": sections,
        "balance": balance,
        "balance_people": balance.people(memberships),
        "open_round": open_round(module=module),
        "stamp": agreed_stamp(version=module.agreed_version),
    }


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
