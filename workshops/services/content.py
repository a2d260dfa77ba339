"""Writes to workshops, modules and sections."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from workshops.attribution import attribute_new_text, compress, word_change_counts, words
from workshops.enums import Action, SectionKind
from workshops.evaluation import is_valid_question
from workshops.live.groups import live_access_changed
from workshops.markdown import render_markdown
from workshops.models import Membership, Module, Organisation, Section, SectionRevision, Workshop
from workshops.rules import EDIT_CONTENT
from workshops.scope import organisation_id_of
from workshops.selectors.consent import names_kept_out_in

from .contributions import contribution_record
from .permissions import require

UP, DOWN = "up", "down"


class SectionConflict(Exception):
    """A save named a version that is no longer the current one. Nothing was written."""

    def __init__(self, current: Section) -> None:
        super().__init__(f"Section {current.pk} is at version {current.version}")
        self.current = current


class NamesKeptOut(Exception):
    """A story's new text holds names its consent asks to keep out, and the person did not
    say they are meant to be there. Nothing was written."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@transaction.atomic
def workshop_create(
    *,
    organisation: Organisation,
    title: str,
    audience: str = "",
    description: str = "",
    actor: Membership,
) -> Workshop:
    require(actor, EDIT_CONTENT, organisation)
    workshop = Workshop.objects.create(
        organisation=organisation, title=title, audience=audience, description=description
    )
    contribution_record(actor=actor, action=Action.WORKSHOP_CREATE, target=workshop)
    return workshop


@transaction.atomic
def workshop_update(
    *, workshop: Workshop, title: str, audience: str, description: str, actor: Membership
) -> Workshop:
    require(actor, EDIT_CONTENT, workshop)
    workshop.title, workshop.audience, workshop.description = title, audience, description
    workshop.save()
    contribution_record(actor=actor, action=Action.WORKSHOP_EDIT, target=workshop)
    return workshop


@transaction.atomic
def module_create(
    *,
    workshop: Workshop,
    title: str,
    learning_outcomes: str = "",
    planned_minutes: int = 30,
    actor: Membership,
) -> Module:
    """Add a module at the end of the workshop."""
    require(actor, EDIT_CONTENT, workshop)
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    last = workshop.modules.aggregate(last=Max("position"))["last"]
    module = Module.objects.create(
        workshop=workshop,
        position=0 if last is None else last + 1,
        title=title,
        learning_outcomes=learning_outcomes,
        planned_minutes=planned_minutes,
    )
    contribution_record(actor=actor, action=Action.MODULE_CREATE, target=module)
    return module


@transaction.atomic
def module_update(
    *, module: Module, title: str, learning_outcomes: str, planned_minutes: int, actor: Membership
) -> Module:
    require(actor, EDIT_CONTENT, module)
    module.title = title
    module.learning_outcomes = learning_outcomes
    module.planned_minutes = planned_minutes
    module.save()
    contribution_record(actor=actor, action=Action.MODULE_EDIT, target=module)
    return module


def _move_in(siblings: QuerySet, item: Module | Section, direction: str) -> bool:
    """Renumber siblings 0..n in order and swap the item with its neighbour. False at an end."""
    ordered = list(siblings)
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    neighbour = index - 1 if direction == UP else index + 1
    if not 0 <= neighbour < len(ordered):
        return False
    ordered[index], ordered[neighbour] = ordered[neighbour], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    return True


@transaction.atomic
def module_move(*, module: Module, direction: str, actor: Membership) -> bool:
    """Move a module one place up or down. Returns False, and logs nothing, at either end."""
    require(actor, EDIT_CONTENT, module)
    # The evaluation is listed on its own, so it is not among the modules moved past.
    siblings = Module.objects.select_for_update().filter(
        workshop_id=module.workshop_id, is_evaluation=False
    )
    if not _move_in(siblings.order_by("position", "pk"), module, direction):
        return False
    contribution_record(actor=actor, action=Action.MODULE_MOVE, target=module)
    return True


@transaction.atomic
def module_delete(*, module: Module, actor: Membership) -> None:
    """Mark a module deleted. Its sections and their history are kept."""
    require(actor, EDIT_CONTENT, module)
    module.deleted_at = timezone.now()
    module.save(update_fields=["deleted_at"])
    contribution_record(actor=actor, action=Action.MODULE_DELETE, target=module)


@transaction.atomic
def section_create(
    *,
    module: Module,
    title: str,
    body: str = "",
    kind: str,
    audience: str,
    content_note: str = "",
    source_tags: Sequence[str] = (),
    question: dict | None = None,
    actor: Membership,
) -> Section:
    """Add a section at the end of the module, with its first revision. A section of an
    evaluation is a question (``question`` says how it is answered and when); no other is."""
    require(actor, EDIT_CONTENT, module)
    question = _question_for(module, question)
    kind = SectionKind.QUESTION if question else kind
    Module.objects.select_for_update().filter(pk=module.pk).first()
    last = module.sections.aggregate(last=Max("position"))["last"]
    section = Section.objects.create(
        module=module,
        position=0 if last is None else last + 1,
        title=title,
        body=body,
        body_html=render_markdown(body),
        kind=kind,
        audience=audience,
        content_note=content_note,
        source_tags=list(source_tags),
        question=question,
        attribution=compress([actor.pk] * len(words(body))),
        version=1,
    )
    SectionRevision.objects.create(
        section=section,
        version=1,
        author=actor,
        title=title,
        body=body,
        attribution=section.attribution,
    )
    contribution_record(
        actor=actor, action=Action.SECTION_CREATE, target=section, words_added=len(words(body))
    )
    return section


def _lock_current(section: Section, based_on_version: int) -> Section:
    current = Section.objects.select_for_update().get(pk=section.pk)
    if current.version != based_on_version:
        raise SectionConflict(current)
    return current


def _write_section_version(
    *, current: Section, body: str, attribution: list, author: Membership, **fields: object
) -> SectionRevision:
    """Write the (locked) section's next version and its revision. Logs nothing: callers log
    the change the way it happened (one editor, a restore, or several people live)."""
    previous_revision = SectionRevision.objects.filter(
        section=current, version=current.version
    ).first()
    for name, value in fields.items():
        setattr(current, name, value)
    current.body = body
    current.body_html = render_markdown(body)
    current.attribution = attribution
    current.version += 1
    current.save()
    SectionRevision.objects.create(
        section=current,
        version=current.version,
        author=author,
        title=current.title,
        body=body,
        attribution=attribution,
        based_on=previous_revision,
    )
    return current


def _section_save_new_version(
    *,
    current: Section,
    body: str,
    attribution: list,
    actor: Membership,
    action: str,
    **fields: object,
) -> Section:
    """Write the section's next version, its revision and its log entry."""
    added, removed = word_change_counts(current.body, body)
    _write_section_version(
        current=current, body=body, attribution=attribution, author=actor, **fields
    )
    contribution_record(
        actor=actor, action=action, target=current, words_added=added, words_removed=removed
    )
    return current


@transaction.atomic
def section_update(
    *,
    section: Section,
    based_on_version: int,
    title: str,
    body: str,
    kind: str,
    audience: str,
    content_note: str = "",
    source_tags: Sequence[str] = (),
    question: dict | None = None,
    names_confirmed: bool = False,
    actor: Membership,
) -> Section:
    """Save a section's new text, if nobody else saved since ``based_on_version``.

    Raises SectionConflict (writing nothing) when the section has moved on, so the caller can
    show both texts and nothing the person typed is lost; raises NamesKeptOut (writing nothing)
    when a story's text names someone its consent asks to keep out, unless ``names_confirmed``.
    Otherwise bumps the version, keeps a revision, credits the new words to the actor and logs
    the words added and removed.
    """
    require(actor, EDIT_CONTENT, section)
    current = _lock_current(section, based_on_version)
    names = names_kept_out_in(section=current, text=body, kind=kind)
    if names and not names_confirmed:
        raise NamesKeptOut(names)
    question = _question_for(current.module, question or current.question)
    kind = SectionKind.QUESTION if question else kind
    return _section_save_new_version(
        current=current,
        body=body,
        attribution=attribute_new_text(current.body, current.attribution, body, actor.pk),
        actor=actor,
        action=Action.SECTION_EDIT,
        title=title,
        kind=kind,
        audience=audience,
        content_note=content_note,
        source_tags=list(source_tags),
        question=question,
    )


@transaction.atomic
def section_rewrite(
    *, section: Section, body: str, attribution: list, actor: Membership
) -> Section:
    """Save a section's text as rewritten on a person's behalf rather than typed: a story's
    words erased when its consent is withdrawn, or a person's words taken out when they ask to
    be erased. The caller has checked that ``actor`` may ask for it (the person whose story or
    words they are may, whatever their role), so this checks no permission of its own."""
    current = Section.objects.select_for_update().get(pk=section.pk)
    return _section_save_new_version(
        current=current, body=body, attribution=attribution, actor=actor, action=Action.SECTION_EDIT
    )


@transaction.atomic
def section_add_source_tag(*, section: Section, tag: str, actor: Membership) -> Section:
    """Add a source to a section in a new version, its words unchanged; nothing if it has it."""
    require(actor, EDIT_CONTENT, section)
    current = Section.objects.select_for_update().get(pk=section.pk)
    if tag in current.source_tags:
        return current
    return _section_save_new_version(
        current=current,
        body=current.body,
        attribution=current.attribution,
        actor=actor,
        action=Action.SECTION_EDIT,
        source_tags=[*current.source_tags, tag],
    )


def _question_for(module: Module, question: dict | None) -> dict:
    """The question settings to store: checked for a section of an evaluation, none otherwise."""
    if not module.is_evaluation:
        if question:
            raise ValueError("Only a workshop's evaluation has questions.")
        return {}
    if not question or not is_valid_question(question):
        raise ValueError(f"Not a valid question: {question!r}")
    return {key: question[key] for key in ("type", "stage", "choices")}


@transaction.atomic
def section_restore(
    *, section: Section, revision: SectionRevision, based_on_version: int, actor: Membership
) -> Section:
    """Make an earlier revision's text the current one, as a new version by the actor.

    The restored words stay credited to the people who first wrote them: the new version takes
    the earlier revision's attribution, not the actor's.
    """
    require(actor, EDIT_CONTENT, section)
    if revision.section_id != section.pk:
        raise ValueError("The revision belongs to another section.")
    current = _lock_current(section, based_on_version)
    return _section_save_new_version(
        current=current,
        body=revision.body,
        attribution=revision.attribution,
        actor=actor,
        action=Action.SECTION_RESTORE,
        title=revision.title,
    )


@transaction.atomic
def section_move(*, section: Section, direction: str, actor: Membership) -> bool:
    """Move a section one place up or down. Returns False, and logs nothing, at either end."""
    require(actor, EDIT_CONTENT, section)
    siblings = Section.objects.select_for_update().filter(module_id=section.module_id)
    if not _move_in(siblings.order_by("position", "pk"), section, direction):
        return False
    contribution_record(actor=actor, action=Action.SECTION_MOVE, target=section)
    return True


@transaction.atomic
def section_delete(*, section: Section, actor: Membership) -> None:
    """Mark a section deleted. Its text and revisions are kept; its live room closes."""
    require(actor, EDIT_CONTENT, section)
    section = Section.objects.select_for_update().get(pk=section.pk)
    section.deleted_at = timezone.now()
    section.save(update_fields=["deleted_at"])
    transaction.on_commit(lambda: live_access_changed(section_id=section.pk))
    contribution_record(
        actor=actor,
        action=Action.SECTION_DELETE,
        target=section,
        words_removed=len(words(section.body)),
    )


@transaction.atomic
def section_undelete(*, section: Section, actor: Membership) -> Section:
    """Bring back a deleted section, at the end of its module."""
    require(actor, EDIT_CONTENT, section)
    Module.objects.select_for_update().filter(pk=section.module_id).first()
    last = section.module.sections.aggregate(last=Max("position"))["last"]
    section.deleted_at = None
    section.position = 0 if last is None else last + 1
    section.save(update_fields=["deleted_at", "position"])
    contribution_record(
        actor=actor,
        action=Action.SECTION_UNDELETE,
        target=section,
        words_added=len(words(section.body)),
    )
    return section


@transaction.atomic
def section_live_save(
    *,
    section_id: int,
    base_version: int,
    body: str,
    attribution: list,
    changes: dict,
    author_id: int,
) -> Section:
    """Write a live room's text back as the section's next version.

    ``changes`` maps each membership id that typed since the last write-back to its words
    added and removed: each gets a ``section.live_edit`` log entry; the revision is credited to
    ``author_id`` and keeps the word-level attribution, so history and balance cover live work.
    Raises SectionConflict, writing nothing, if the section was saved elsewhere since
    ``base_version``; the room then merges that text and tries again.
    """
    # all_objects: words typed live are saved even if someone deleted the section meanwhile.
    section = Section.all_objects.select_for_update().select_related("module").get(pk=section_id)
    if section.version != base_version:
        raise SectionConflict(section)
    authors = Membership.objects.in_bulk([author_id, *changes])
    author = authors.get(author_id)
    if author is None or author.organisation_id != organisation_id_of(section):
        raise PermissionDenied
    _write_section_version(current=section, body=body, attribution=attribution, author=author)
    for membership_id, counts in changes.items():
        membership = authors.get(membership_id)
        if membership is None:
            continue
        contribution_record(
            actor=membership,
            action=Action.SECTION_LIVE_EDIT,
            target=section,
            words_added=counts.words_added,
            words_removed=counts.words_removed,
        )
    return section
