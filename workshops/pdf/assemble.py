"""What goes in a pack, and its HTML. Only agreed module versions are ever read here."""

import hashlib
import json

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from workshops.attribution import words_by_author
from workshops.balance import authorship_claim, balance_of, written_together
from workshops.consent import consent_allows, is_story, readers_of
from workshops.enums import PackKind, Perspective, PrintSize, Role, SectionAudience, SectionKind
from workshops.markdown import clean_html
from workshops.models import ModuleVersion, StoryConsent
from workshops.models.content import learning_outcome_lines
from workshops.selectors.members import memberships_by_id
from workshops.selectors.reviews import agreed_stamp

from .fetcher import static_url

# Bump when the pack templates or print stylesheet change, so cached packs are made again.
PACK_TEMPLATE_VERSION = "4"

_KIND_LABELS = dict(SectionKind.choices)
# Twelve hex digits tell any two versions of a workshop apart, and can be read out loud.
CHECK_CODE_LENGTH = 12


def pack_contents(*, workshop, kind, module=None, today=None):
    """What a pack of this kind of the workshop (or one module) would contain now: the agreed
    version of each module in order, the titles of modules not yet agreed, which are left out,
    and the stories whose consent lets the pack's readers read them."""
    modules = workshop.modules.select_related("agreed_version").order_by("position", "pk")
    if module is not None:
        modules = modules.filter(pk=module.pk)
    modules = list(modules)
    return with_stories(
        contents_of(modules), kind=kind, consents=story_consents(modules), today=today
    )


def contents_of(modules):
    """``pack_contents`` for modules already loaded with their agreed version, in their order:
    no queries, so a page can work out many packs' contents at once."""
    versions, not_agreed = [], []
    for item in modules:
        if item.is_evaluation:
            # Its questions are answered online or on the answer sheet, never printed in a pack.
            continue
        if item.agreed_version is None:
            not_agreed.append(item.title)
            continue
        version = item.agreed_version
        versions.append(
            {
                "module_id": item.pk,
                "version_id": version.pk,
                "title": version.snapshot["module"]["title"],
                "version": version.number,
                "content_hash": version.content_hash,
            }
        )
    return {"versions": versions, "not_agreed": not_agreed}


def story_consents(modules, known=None) -> dict:
    """The consent of every lived-experience story in the modules' agreed versions, by section
    id (None where there is none): looked up in one query, or in ``known`` (an earlier answer
    for more modules). The modules come with their agreed version."""
    story_ids = [
        section["id"]
        for module in modules
        if module.agreed_version is not None
        for section in module.agreed_version.sections
        if is_story(section)
    ]
    if known is None:
        known = {c.section_id: c for c in StoryConsent.objects.filter(section_id__in=story_ids)}
    return {pk: known.get(pk) for pk in story_ids}


def with_stories(contents, *, kind, consents, today=None):
    """``contents`` with the stories its readers may read today: a story reaches a pack only
    with valid consent for the pack's readers (see consent.consent_allows)."""
    today = today or timezone.localdate()
    readers = readers_of(kind)
    allowed = sorted(pk for pk, c in consents.items() if consent_allows(c, readers, today))
    return {**contents, "stories": allowed}


def pack_content_key(*, kind, print_size, workshop, module, contents):
    """The cache key: the agreed versions, the print size, the template version and the
    WeasyPrint version. A large-print pack and a standard one of the same versions are two
    files."""
    key = {
        "kind": kind,
        "print_size": print_size,
        "workshop": workshop.pk,
        "module": module.pk if module else None,
        "versions": [(v["module_id"], v["content_hash"]) for v in contents["versions"]],
        "stories": contents.get("stories", []),
        "template": PACK_TEMPLATE_VERSION,
        "weasyprint": weasyprint.__version__,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _names_by_perspective(memberships):
    names = {Perspective.FAMILY_CARER: [], Perspective.PROFESSIONAL: []}
    for membership in memberships:
        names[membership.perspective].append(membership.credit_name)
    return names


def _section_material(section):
    return {
        "id": section["id"],
        "title": section["title"],
        "kind": section["kind"],
        "kind_label": _KIND_LABELS.get(section["kind"], ""),
        "facilitator_only": section["audience"] == SectionAudience.FACILITATORS,
        "content_note": section["content_note"],
        "body_html": clean_html(section["body_html"]),
    }


def _module_material(version, sections):
    snapshot = version.snapshot["module"]
    return {
        "id": version.module_id,
        "anchor": f"module-{version.module_id}",
        "title": snapshot["title"],
        "learning_outcomes": learning_outcome_lines(snapshot["learning_outcomes"]),
        "planned_minutes": snapshot["planned_minutes"],
        "version": version.number,
        "content_hash": version.content_hash,
        "stamp": agreed_stamp(version=version),
        "sections": sections,
    }


def _modules_material(*, workshop, contents, include_facilitator_only):
    """The listed agreed versions as modules of sections, and the words each person wrote in
    the sections the pack shows."""
    versions_by_id = {
        v.pk: v
        for v in ModuleVersion.objects.filter(
            pk__in=[item["version_id"] for item in contents["versions"]],
            module__workshop=workshop,
            agreed_at__isnull=False,
        )
    }
    stories = set(contents.get("stories", []))
    modules, word_totals = [], {}
    for item in contents["versions"]:
        version = versions_by_id.get(item["version_id"])
        if version is None:
            continue
        shown = [
            section
            for section in version.sections
            if (include_facilitator_only or section["audience"] != SectionAudience.FACILITATORS)
            and (not is_story(section) or section["id"] in stories)
        ]
        for section in shown:
            for author, count in words_by_author(section["attribution"]).items():
                word_totals[author] = word_totals.get(author, 0) + count
        modules.append(_module_material(version, [_section_material(s) for s in shown]))
    return modules, word_totals


def pack_material(
    *, workshop, kind, contents, print_size=PrintSize.STANDARD, single_module=False, today=None
):
    """Everything the pack template shows, as plain data, from exactly the versions listed in
    ``contents``. Section HTML is cleaned again here, so nothing but sanitised HTML can reach
    the PDF even from an old snapshot.

    Content hashes are only for the facilitator pack's appendix: to an attendee they are noise.
    Large print adds its own stylesheet after the standard one, since page margins and page
    numbers live in ``@page`` rules that a class on the body cannot reach."""
    organisation = workshop.organisation
    members = memberships_by_id(organisation=organisation)
    modules, word_totals = _modules_material(
        workshop=workshop, contents=contents, include_facilitator_only=kind == PackKind.FACILITATOR
    )
    trainers = [
        m
        for m in members.values()
        if m.removed_at is None and m.role in (Role.CO_TRAINER, Role.LEAD)
    ]
    contributors = [members[pk] for pk in word_totals if pk in members]
    balance = balance_of(
        word_totals,
        {pk: m.perspective for pk, m in members.items()},
        None,
        organisation.balance_threshold_percent,
    )
    is_facilitator_pack = kind == PackKind.FACILITATOR
    return {
        "kind": kind,
        "kind_label": PackKind(kind).label,
        "is_facilitator_pack": is_facilitator_pack,
        "is_large_print": print_size == PrintSize.LARGE,
        "workshop": workshop,
        "organisation": organisation,
        "single_module": single_module,
        "date": today or timezone.localdate(),
        "modules": modules,
        "contents": contents["versions"],
        "not_agreed": contents["not_agreed"],
        "agreement": _agreement(modules) if is_facilitator_pack else [],
        "trainers": _names_by_perspective(sorted(trainers, key=lambda m: m.credit_name)),
        "contributors": _names_by_perspective(sorted(contributors, key=lambda m: m.credit_name)),
        "authors_meta": ", ".join(sorted({m.credit_name for m in contributors})),
        "balance": balance,
        "authorship_claim": authorship_claim(balance),
        "written_together": written_together(balance),
        "stylesheets": _stylesheets(print_size),
    }


def _agreement(modules):
    """The facilitator pack's appendix: how each module was signed off, with the check code (the
    start of its content hash, enough to tell versions apart) for anyone who needs to show
    which words were agreed."""
    return [
        {
            "title": module["title"],
            "version": module["version"],
            "stamp": module["stamp"],
            "check_code": module["content_hash"][:CHECK_CODE_LENGTH],
        }
        for module in modules
    ]


def _stylesheets(print_size):
    sheets = [static_url("packs/pack.css")]
    if print_size == PrintSize.LARGE:
        sheets.append(static_url("packs/pack-large.css"))
    return sheets


def pack_html(material) -> str:
    return render_to_string("packs/pack.html", material)
