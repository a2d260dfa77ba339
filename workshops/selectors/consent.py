"""Story consent: the consent page, each story's consent on the module page, and the stories a
pack may no longer hand out."""

from django.http import Http404
from django.utils import timezone

from workshops.consent import FACILITATORS, consent_allows, names_found, readers_of
from workshops.enums import SectionKind
from workshops.models import ModuleVersion, Pack, Section, StoryConsent

from .members import organisation_members


def story_get(*, section: Section) -> Section:
    """The section, which must be a lived-experience story (404 for any other)."""
    if section.kind != SectionKind.LIVED_EXPERIENCE_STORY:
        raise Http404
    return section


def consent_of(*, section: Section) -> StoryConsent | None:
    return (
        StoryConsent.objects.filter(section=section)
        .select_related("teller__user", "witness__user", "recorded_by__user", "withdrawn_by__user")
        .first()
    )


def consent_form_choices(*, section: Section) -> dict:
    """Who a story may belong to or be witnessed by: the organisation's current members."""
    return {
        "members": list(organisation_members(organisation=section.module.workshop.organisation))
    }


def names_kept_out_in(*, section: Section, text: str, kind: str = "") -> list[str]:
    """The names the story's consent asks to keep out that ``text`` holds. ``kind`` is the
    section's new kind when a save changes it: a story stays checked while it is turned into
    something else."""
    if SectionKind.LIVED_EXPERIENCE_STORY not in (section.kind, kind):
        return []
    consent = StoryConsent.objects.filter(section=section).first()
    return names_found(text, consent.names_to_keep_out_list) if consent else []


def attach_consents(sections: list[Section]) -> None:
    """Give each story among ``sections`` its consent (or None) and whether it is valid today,
    in one query, for the module page."""
    stories = [s for s in sections if s.kind == SectionKind.LIVED_EXPERIENCE_STORY]
    found = {c.section_id: c for c in StoryConsent.objects.filter(section__in=stories)}
    today = timezone.localdate()
    for section in stories:
        section.story_consent = found.get(section.pk)
        section.story_consent_valid = consent_allows(section.story_consent, FACILITATORS, today)


def pack_refused_stories(*, pack: Pack) -> list[str]:
    """The titles of the stories printed in ``pack`` whose consent no longer lets its readers
    read them (withdrawn, ended, or narrowed): a pack holding any is not handed out."""
    printed = pack.contents.get("stories", []) if isinstance(pack.contents, dict) else []
    if not printed:
        return []
    consents = {c.section_id: c for c in StoryConsent.objects.filter(section_id__in=printed)}
    readers, today = readers_of(pack.kind), timezone.localdate()
    titles = Section.all_objects.filter(pk__in=printed).values_list("pk", "title")
    return [title for pk, title in titles if not consent_allows(consents.get(pk), readers, today)]


def erased_story_text_hidden(versions: list[ModuleVersion]) -> dict[int, set[int]]:
    """For each frozen version (by pk), the ids of the stories in it whose words were erased
    at the teller's wish after it was frozen: the version keeps them, as its hash depends on
    them, but pages show them no more. One query."""
    story_ids = {
        s["id"]
        for v in versions
        for s in v.sections
        if s["kind"] == SectionKind.LIVED_EXPERIENCE_STORY
    }
    if not story_ids:
        return {v.pk: set() for v in versions}
    erased = dict(
        StoryConsent.objects.filter(
            section_id__in=story_ids, text_erased_at__isnull=False
        ).values_list("section_id", "text_erased_at")
    )
    return {v.pk: {sid for sid, at in erased.items() if v.frozen_at < at} for v in versions}


def readable_sections(version: ModuleVersion, hidden: set[int]) -> list[dict]:
    """The version's sections as pages may show them: a story erased at its teller's wish
    with its words left out and ``words_erased`` set."""
    return [
        {**s, "body": "", "body_html": "", "words_erased": True} if s["id"] in hidden else s
        for s in version.sections
    ]
