"""Every service that writes also writes a contribution log entry, and entries hold no text.

``RECIPES`` has one way to call each public function of every service module. A new service
function without a recipe (or a written reason in ``NOT_WRITING`` / ``NOT_A_CONTRIBUTION``) fails
``test_every_write_service_has_a_recipe``, so it cannot slip past the log.
"""

import inspect

import pytest
from django.db import models
from django.utils import timezone

from tests.factories import ModuleFactory, SectionFactory
from tests.helpers import agree_module
from workshops.enums import (
    CreditPreference,
    DecisionKind,
    PackKind,
    PackState,
    Payment,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
    TimeActivity,
)
from workshops.live.rooms import AuthorCounts
from workshops.models import (
    ContributionEntry,
    Pack,
    SectionRevision,
)
from workshops.services import accounts, content, members, packs, reviews, sessions, time

pytestmark = pytest.mark.django_db

SERVICE_MODULES = (accounts, content, members, packs, reviews, sessions, time)

# Public functions of those modules that write nothing, so log nothing. Keep it explicit.
NOT_WRITING = {
    "reviews.module_snapshot",  # reads the module for a round to freeze
    "reviews.round_sign_off_state",  # reads the decisions
    "packs.pack_build",  # renders bytes, writes nothing
}
# Writes that are nobody's contribution to the material, each with the reason.
NOT_A_CONTRIBUTION = {
    "accounts.user_set_email_notifications": "a person's own email setting",
    "packs.pack_render": "the worker's bookkeeping; the request was logged",
    "sessions.attendance_leave": "closes a stay; the join was logged",
    "sessions.live_document_store": "keeps the CRDT state; its text is logged as revisions",
}


def _same_actor(actor):
    return lambda result: actor


def _workshop_create(w):
    return (
        lambda: content.workshop_create(organisation=w.organisation, title="New", actor=w.lead),
        _same_actor(w.lead),
    )


def _workshop_update(w):
    return (
        lambda: content.workshop_update(
            workshop=w.workshop, title="Renamed", audience="", description="", actor=w.co_trainer
        ),
        _same_actor(w.co_trainer),
    )


def _module_create(w):
    return (
        lambda: content.module_create(workshop=w.workshop, title="Second", actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _module_update(w):
    return (
        lambda: content.module_update(
            module=w.module,
            title="Renamed module",
            learning_outcomes="Know more",
            planned_minutes=45,
            actor=w.lead,
        ),
        _same_actor(w.lead),
    )


def _module_move(w):
    ModuleFactory(workshop=w.workshop, actor=w.lead)
    return (
        lambda: content.module_move(module=w.module, direction="down", actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _module_delete(w):
    return (
        lambda: content.module_delete(module=w.module, actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _section_create(w):
    return (
        lambda: content.section_create(
            module=w.module,
            title="New section",
            body="Some new words",
            kind=SectionKind.ACTIVITY,
            audience=SectionAudience.EVERYONE,
            actor=w.lead,
        ),
        _same_actor(w.lead),
    )


def _section_update(w):
    return (
        lambda: content.section_update(
            section=w.section,
            based_on_version=w.section.version,
            title=w.section.title,
            body=w.section.body + " More words.",
            kind=w.section.kind,
            audience=w.section.audience,
            actor=w.lead,
        ),
        _same_actor(w.lead),
    )


def _section_restore(w):
    _section_update(w)[0]()
    first = SectionRevision.objects.get(section=w.section, version=1)
    return (
        lambda: content.section_restore(
            section=w.section, revision=first, based_on_version=2, actor=w.co_trainer
        ),
        _same_actor(w.co_trainer),
    )


def _section_move(w):
    SectionFactory(module=w.module, actor=w.lead)
    return (
        lambda: content.section_move(section=w.section, direction="down", actor=w.lead),
        _same_actor(w.lead),
    )


def _section_delete(w):
    return (
        lambda: content.section_delete(section=w.section, actor=w.lead),
        _same_actor(w.lead),
    )


def _section_undelete(w):
    return (
        lambda: content.section_undelete(section=w.deleted_section, actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _invitation_create(w):
    return (
        lambda: members.invitation_create(
            organisation=w.organisation,
            email="new.person@example.org",
            role=Role.CO_TRAINER,
            perspective=Perspective.FAMILY_CARER,
            actor=w.lead,
        ),
        _same_actor(w.lead),
    )


def _invitation_accept(w):
    # The person who joins is the actor: the membership the service returns.
    return (
        lambda: members.invitation_accept(
            invitation=w.invitation,
            full_name="Joining Person",
            first_name="Joining",
            password="a-long-enough-password-1",
        ),
        lambda membership: membership,
    )


def _membership_update(w):
    return (
        lambda: members.membership_update(
            membership=w.co_trainer,
            role=Role.OBSERVER,
            perspective=Perspective.FAMILY_CARER,
            is_external=False,
            actor=w.lead,
        ),
        _same_actor(w.lead),
    )


def _membership_remove(w):
    return (
        lambda: members.membership_remove(membership=w.co_trainer, actor=w.lead),
        _same_actor(w.lead),
    )


def _membership_set_credit_preference(w):
    return (
        lambda: members.membership_set_credit_preference(
            membership=w.co_trainer,
            credit_preference=CreditPreference.ANONYMOUS,
            actor=w.co_trainer,
        ),
        _same_actor(w.co_trainer),
    )


def _agree(w):
    """The world's module signed off by its lead (professional) and co-trainer (family carer)."""
    agree_module(w.module, reviewers=[w.lead, w.co_trainer], actor=w.lead)


def _open_round(w):
    return reviews.review_round_open(
        module=w.module, reviewers=[w.lead, w.co_trainer], actor=w.lead
    )


def _review_round_open(w):
    return (
        lambda: reviews.review_round_open(module=w.module, reviewers=[w.co_trainer], actor=w.lead),
        _same_actor(w.lead),
    )


def _review_round_withdraw(w):
    round = _open_round(w)
    return (
        lambda: reviews.review_round_withdraw(round=round, actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _review_decide(w):
    round = _open_round(w)
    return (
        lambda: reviews.review_decide(
            round=round,
            kind=DecisionKind.REQUEST_CHANGES,
            reason="Gentler words, please.",
            content_hash=round.version.content_hash,
            actor=w.co_trainer,
        ),
        _same_actor(w.co_trainer),
    )


def _comment_add(w):
    round = _open_round(w)
    return (
        lambda: reviews.comment_add(round=round, body="A thought.", actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _comment_set_resolved(w):
    comment = reviews.comment_add(round=_open_round(w), body="A thought.", actor=w.co_trainer)
    return (
        lambda: reviews.comment_set_resolved(comment=comment, resolved=True, actor=w.lead),
        _same_actor(w.lead),
    )


def _pack_request(w):
    _agree(w)
    return (
        lambda: packs.pack_request(workshop=w.workshop, kind=PackKind.ATTENDEE, actor=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _pack_retry(w):
    _agree(w)
    pack = packs.pack_request(workshop=w.workshop, kind=PackKind.ATTENDEE, actor=w.lead)
    Pack.objects.filter(pk=pack.pk).update(state=PackState.FAILED)
    pack.refresh_from_db()
    return (lambda: packs.pack_retry(pack=pack, actor=w.co_trainer), _same_actor(w.co_trainer))


def _new_session(w):
    return sessions.session_create(
        workshop=w.workshop,
        title="Writing together",
        starts_at=timezone.now(),
        agenda=[w.module],
        facilitator=w.co_trainer,
        actor=w.lead,
    )


def _session_create(w):
    return (lambda: _new_session(w), _same_actor(w.lead))


def _session_record_update(w):
    session = _new_session(w)
    return (
        lambda: sessions.session_record_update(
            session=session, notes="Notes", decisions="", actions="", actor=w.co_trainer
        ),
        _same_actor(w.co_trainer),
    )


def _session_end(w):
    session = _new_session(w)
    return (lambda: sessions.session_end(session=session, actor=w.lead), _same_actor(w.lead))


def _attendance_join(w):
    session = _new_session(w)
    return (
        lambda: sessions.attendance_join(session=session, membership=w.co_trainer),
        _same_actor(w.co_trainer),
    )


def _section_live_save(w):
    return (
        lambda: content.section_live_save(
            section_id=w.section.pk,
            base_version=w.section.version,
            body=w.section.body + " Typed live.",
            attribution=[[w.co_trainer.pk, len(w.section.body.split()) + 2]],
            changes={w.co_trainer.pk: AuthorCounts(words_added=2)},
            author_id=w.co_trainer.pk,
        ),
        _same_actor(w.co_trainer),
    )


def _time_entry_create(w):
    return (
        lambda: time.time_entry_create(
            membership=w.co_trainer,
            date=timezone.localdate(),
            minutes=90,
            activity=TimeActivity.PREPARATION,
            payment=Payment.DECLINED,
            actor=w.co_trainer,
        ),
        _same_actor(w.co_trainer),
    )


# "module.function" -> recipe(world) -> (call with no arguments, actor the entry must name)
RECIPES = {
    "content.workshop_create": _workshop_create,
    "content.workshop_update": _workshop_update,
    "content.module_create": _module_create,
    "content.module_update": _module_update,
    "content.module_move": _module_move,
    "content.module_delete": _module_delete,
    "content.section_create": _section_create,
    "content.section_update": _section_update,
    "content.section_restore": _section_restore,
    "content.section_move": _section_move,
    "content.section_delete": _section_delete,
    "content.section_undelete": _section_undelete,
    "members.invitation_create": _invitation_create,
    "members.invitation_accept": _invitation_accept,
    "members.membership_update": _membership_update,
    "members.membership_remove": _membership_remove,
    "members.membership_set_credit_preference": _membership_set_credit_preference,
    "reviews.review_round_open": _review_round_open,
    "reviews.review_round_withdraw": _review_round_withdraw,
    "reviews.review_decide": _review_decide,
    "reviews.comment_add": _comment_add,
    "reviews.comment_set_resolved": _comment_set_resolved,
    "packs.pack_request": _pack_request,
    "packs.pack_retry": _pack_retry,
    "sessions.session_create": _session_create,
    "sessions.session_record_update": _session_record_update,
    "sessions.session_end": _session_end,
    "sessions.attendance_join": _attendance_join,
    "content.section_live_save": _section_live_save,
    "time.time_entry_create": _time_entry_create,
}


def _public_service_functions():
    """Functions defined (not imported) in the service modules, by "module.function"."""
    names = set()
    for module in SERVICE_MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{short}.{name}")
    return names


def test_every_write_service_has_a_recipe():
    missing = _public_service_functions() - NOT_WRITING - set(NOT_A_CONTRIBUTION) - set(RECIPES)

    assert missing == set(), f"Add a recipe (or, if it writes nothing, NOT_WRITING) for {missing}"


def test_every_recipe_names_an_existing_service():
    assert set(RECIPES) - _public_service_functions() == set()
    assert NOT_WRITING - _public_service_functions() == set()
    assert set(NOT_A_CONTRIBUTION) - _public_service_functions() == set()


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_service_call_writes_a_log_entry_for_its_actor(name, world):
    call, actor_of = RECIPES[name](world)
    last_before = ContributionEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    result = call()

    actor = actor_of(result)
    new_entries = list(ContributionEntry.objects.filter(pk__gt=last_before).order_by("pk"))
    assert len(new_entries) >= 1
    assert [(e.organisation_id, e.membership_id) for e in new_entries] == [
        (world.organisation.pk, actor.pk)
    ] * len(new_entries)
    assert [e.perspective for e in new_entries] == [actor.perspective] * len(new_entries)


# Entries hold ids and counts, never text

SENTENCE = "Grandmother Wynonna whistles lullabies beside juniper orchards"
TITLE = "Quokka Rhapsody"


def test_contribution_entry_of_a_section_edit_holds_no_words_of_the_text(world):
    content.section_update(
        section=world.section,
        based_on_version=world.section.version,
        title=TITLE,
        body=SENTENCE,
        kind=world.section.kind,
        audience=world.section.audience,
        actor=world.lead,
    )

    entry = ContributionEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.target_id) == ("section.edit", world.section.pk)
    stored = " ".join(
        [entry.canonical_content(), entry.entry_hash]
        + [str(getattr(entry, f.attname)) for f in ContributionEntry._meta.concrete_fields]
    ).casefold()
    found = [word for word in (SENTENCE + " " + TITLE).split() if word.casefold() in stored]
    assert found == []
    assert (entry.words_added, entry.words_removed) == (7, 8)


def test_contribution_entry_has_no_free_text_fields():
    text_fields = [
        f.name for f in ContributionEntry._meta.concrete_fields if isinstance(f, models.TextField)
    ]
    assert text_fields == []
