"""The one table of services: every public function of every module of ``workshops.services``.

Each entry says how to call the function against the ``world`` fixture and the exact
contribution log entries it must write, or why it writes none. The tests in
tests/services/test_contributions.py walk the service modules and fail when a function has no
entry here, so a new service cannot slip past the log; tests/services/test_permissions.py calls
the same entries as actors who may not write.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from pycrdt import Doc, Text

from tests.factories import ModuleFactory, SectionFactory
from tests.helpers import agree_evaluation, agree_module, consent_for
from workshops.attribution import words
from workshops.enums import (
    Action,
    ConsentAudience,
    ConsentMethod,
    CreditPreference,
    DecisionKind,
    ExpenseKind,
    PackKind,
    PackState,
    Payment,
    RateUnit,
    SectionKind,
    TimeActivity,
)
from workshops.live.rooms import TEXT_NAME, AuthorCounts
from workshops.models import LiveDocument, Pack, SectionRevision
from workshops.services import (
    consent,
    content,
    data_rights,
    deliveries,
    evaluation,
    live,
    members,
    organisations,
    packs,
    pay,
    reviews,
    sessions,
    time,
    two_factor,
)

BODY = "Behaviour is a way of **telling us** something."  # 8 words, the factory's default

# Modules of workshops.services that hold no services of their own: the helpers every write
# calls. Keep it explicit.
HELPER_MODULES = {
    "contributions": "contribution_record, the log writer itself",
    "permissions": "require, the permission guard",
}


@dataclass(frozen=True)
class Service:
    """One public service function.

    ``prepare(world)`` does any setup and returns (act, expected): ``act()`` calls the service
    once; ``expected(result)`` is the list of log entries it must write, oldest first, each a
    dict of fields (see ``entry``). A function that writes no entry has no ``prepare`` and says
    why in ``no_entry``.
    """

    prepare: Any = None
    no_entry: str = ""


def entry(action, actor, target, *, workshop=None, module=None, added=0, removed=0):
    """A log entry as a dict of its fields (compare with ``as_dict`` of a stored entry)."""
    return {
        "action": str(action),
        "membership_id": actor.pk,
        "organisation_id": actor.organisation_id,
        "perspective": actor.perspective,
        "target": (target._meta.model_name, target.pk),
        "workshop_id": workshop.pk if workshop else None,
        "module_id": module.pk if module else None,
        "words_added": added,
        "words_removed": removed,
    }


def as_dict(stored):
    return {
        "action": stored.action,
        "membership_id": stored.membership_id,
        "organisation_id": stored.organisation_id,
        "perspective": stored.perspective,
        "target": (stored.target_type, stored.target_id),
        "workshop_id": stored.workshop_id,
        "module_id": stored.module_id,
        "words_added": stored.words_added,
        "words_removed": stored.words_removed,
    }


def _by(w, member):
    """Who the service is called as: the member, unless a test swapped in another actor."""
    return getattr(w, "actor_override", None) or member


# Content


def _workshop_create(w):
    def act():
        return content.workshop_create(
            organisation=w.organisation, title="Calm days", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.WORKSHOP_CREATE, w.co_trainer, r, workshop=r)]


def _workshop_update(w):
    def act():
        return content.workshop_update(
            workshop=w.workshop,
            title="Renamed",
            audience="Carers",
            description="",
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.WORKSHOP_EDIT, w.lead, r, workshop=r)]


def _module_create(w):
    def act():
        return content.module_create(
            workshop=w.workshop, title="Triggers", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [
        entry(Action.MODULE_CREATE, w.co_trainer, r, workshop=w.workshop, module=r)
    ]


def _module_update(w):
    def act():
        return content.module_update(
            module=w.module,
            title="New",
            learning_outcomes="",
            planned_minutes=45,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.MODULE_EDIT, w.lead, r, workshop=w.workshop, module=r)]


def _module_move(w):
    ModuleFactory(workshop=w.workshop, actor=w.lead)

    def act():
        return content.module_move(module=w.module, direction="down", actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.MODULE_MOVE, w.co_trainer, w.module, workshop=w.workshop, module=w.module)
    ]


def _module_delete(w):
    def act():
        return content.module_delete(module=w.module, actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.MODULE_DELETE, w.co_trainer, w.module, workshop=w.workshop, module=w.module)
    ]


def _section_create(w):
    def act():
        return content.section_create(
            module=w.module,
            title="What we noticed",
            body="one two  three\nfour",
            kind="story",
            audience="everyone",
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [
        entry(Action.SECTION_CREATE, w.co_trainer, r, workshop=w.workshop, module=w.module, added=4)
    ]


def _section_update(w):
    def act():
        return content.section_update(
            section=w.section,
            based_on_version=1,
            title=w.section.title,
            body="Behaviour is a way of telling us what we need.",
            kind=w.section.kind,
            audience=w.section.audience,
            actor=_by(w, w.lead),
        )

    # Words compare by their letters ("**telling" is "telling"): "something." out,
    # "what", "we", "need." in.
    return act, lambda r: [
        entry(
            Action.SECTION_EDIT,
            w.lead,
            r,
            workshop=w.workshop,
            module=w.module,
            added=3,
            removed=1,
        )
    ]


def _section_restore(w):
    content.section_update(
        section=w.section,
        based_on_version=1,
        title=w.section.title,
        body=BODY + " Two more.",
        kind=w.section.kind,
        audience=w.section.audience,
        actor=w.co_trainer,
    )

    def act():
        revision = SectionRevision.objects.get(section=w.section, version=1)
        return content.section_restore(
            section=w.section, revision=revision, based_on_version=2, actor=_by(w, w.lead)
        )

    return act, lambda r: [
        entry(Action.SECTION_RESTORE, w.lead, r, workshop=w.workshop, module=w.module, removed=2)
    ]


def _section_move(w):
    SectionFactory(module=w.module, actor=w.lead)

    def act():
        return content.section_move(section=w.section, direction="down", actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.SECTION_MOVE, w.co_trainer, w.section, workshop=w.workshop, module=w.module)
    ]


def _section_delete(w):
    def act():
        return content.section_delete(section=w.section, actor=_by(w, w.lead))

    return act, lambda r: [
        entry(
            Action.SECTION_DELETE,
            w.lead,
            w.section,
            workshop=w.workshop,
            module=w.module,
            removed=8,
        )
    ]


def _section_undelete(w):
    def act():
        return content.section_undelete(section=w.deleted_section, actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(
            Action.SECTION_UNDELETE, w.co_trainer, r, workshop=w.workshop, module=w.module, added=8
        )
    ]


def _section_live_save(w):
    # Two people typed in the room since the last write-back: the co-trainer added "Typed",
    # the lead "live."; the revision is credited to the co-trainer.
    words = len(w.section.body.split())

    def act():
        return content.section_live_save(
            section_id=w.section.pk,
            base_version=w.section.version,
            body=w.section.body + " Typed live.",
            attribution=[[w.co_trainer.pk, words + 1], [w.lead.pk, 1]],
            changes={
                w.co_trainer.pk: AuthorCounts(words_added=1),
                w.lead.pk: AuthorCounts(words_added=1),
            },
            author_id=w.co_trainer.pk,
        )

    return act, lambda r: [
        entry(
            Action.SECTION_LIVE_EDIT,
            typist,
            w.section,
            workshop=w.workshop,
            module=w.module,
            added=1,
        )
        for typist in (w.co_trainer, w.lead)
    ]


def _live_write_back(w):
    # The co-trainer typed one word in the room; the write-back saves it and credits them.
    live.live_document_open(section_id=w.section.pk)
    browser = Doc()
    browser.apply_update(bytes(LiveDocument.objects.get(section=w.section).state))
    before = browser.get_state()
    text = browser.get(TEXT_NAME, type=Text)
    text.insert(len(str(text).encode()), " Typed")
    live.live_updates_append(updates=[(w.section.pk, w.co_trainer.pk, browser.get_update(before))])

    def act():
        return live.live_write_back(section_id=w.section.pk)

    return act, lambda r: [
        entry(
            Action.SECTION_LIVE_EDIT,
            w.co_trainer,
            w.section,
            workshop=w.workshop,
            module=w.module,
            added=1,
        )
    ]


# Members


def _invitation_create(w):
    def act():
        return members.invitation_create(
            organisation=w.organisation,
            email=" New.Person@Example.org ",
            role="observer",
            perspective="family_carer",
            job_title="Peer support worker",
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.MEMBER_INVITE, w.lead, r)]


def _invitation_accept(w):
    # The person who joins is the actor: the membership the service returns.
    def act():
        return members.invitation_accept(
            invitation=w.invitation,
            full_name="Jo Parent",
            first_name="Jo",
            password="a-long-and-unusual-password",
        )

    return act, lambda r: [entry(Action.MEMBER_JOIN, r, r)]


def _membership_update(w):
    def act():
        return members.membership_update(
            membership=w.co_trainer,
            role="observer",
            perspective="professional",
            is_external=True,
            job_title="Clinical psychologist",
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.MEMBER_CHANGE, w.lead, r)]


def _membership_remove(w):
    def act():
        return members.membership_remove(membership=w.co_trainer, actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.MEMBER_REMOVE, w.lead, r)]


def _member_sign_in_unlock(w):
    def act():
        return members.member_sign_in_unlock(membership=w.co_trainer, actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.MEMBER_UNLOCK, w.lead, w.co_trainer)]


def _membership_set_credit_preference(w):
    def act():
        return members.membership_set_credit_preference(
            membership=w.co_trainer,
            credit_preference=CreditPreference.ANONYMOUS,
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [entry(Action.MEMBER_CHANGE, w.co_trainer, r)]


# Reviews


def _open_round(w):
    return reviews.review_round_open(
        module=w.module, reviewers=[w.lead, w.co_trainer], actor=w.lead
    )


def _review_round_open(w):
    def act():
        return reviews.review_round_open(
            module=w.module, reviewers=[w.lead, w.co_trainer], actor=_by(w, w.lead)
        )

    return act, lambda r: [
        entry(Action.REVIEW_OPEN, w.lead, r, workshop=w.workshop, module=w.module)
    ]


def _review_round_withdraw(w):
    round = _open_round(w)

    def act():
        return reviews.review_round_withdraw(round=round, actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.REVIEW_WITHDRAW, w.co_trainer, round, workshop=w.workshop, module=w.module)
    ]


def _review_decide(w):
    round = _open_round(w)

    def act():
        return reviews.review_decide(
            round=round,
            kind=DecisionKind.REQUEST_CHANGES,
            reason="Gentler words, please.",
            content_hash=round.version.content_hash,
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [
        entry(Action.REVIEW_REQUEST_CHANGES, w.co_trainer, r, workshop=w.workshop, module=w.module)
    ]


def _comment_add(w):
    round = _open_round(w)

    def act():
        return reviews.comment_add(round=round, body="A thought.", actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.REVIEW_COMMENT, w.co_trainer, r, workshop=w.workshop, module=w.module)
    ]


def _comment_set_resolved(w):
    comment = reviews.comment_add(round=_open_round(w), body="A thought.", actor=w.co_trainer)

    def act():
        return reviews.comment_set_resolved(comment=comment, resolved=True, actor=_by(w, w.lead))

    return act, lambda r: [
        entry(Action.REVIEW_RESOLVE, w.lead, r, workshop=w.workshop, module=w.module)
    ]


# Packs


def _agree(w):
    """The world's module signed off by its lead (professional) and co-trainer (family carer)."""
    agree_module(w.module, reviewers=[w.lead, w.co_trainer], actor=w.lead)


def _pack_request(w):
    _agree(w)

    def act():
        return packs.pack_request(
            workshop=w.workshop, kind=PackKind.ATTENDEE, actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.PACK_REQUEST, w.co_trainer, r, workshop=w.workshop)]


def _pack_retry(w):
    _agree(w)
    pack = packs.pack_request(workshop=w.workshop, kind=PackKind.ATTENDEE, actor=w.lead)
    Pack.objects.filter(pk=pack.pk).update(state=PackState.FAILED)
    pack.refresh_from_db()

    def act():
        return packs.pack_retry(pack=pack, actor=_by(w, w.co_trainer))

    return act, lambda r: [entry(Action.PACK_RETRY, w.co_trainer, r, workshop=w.workshop)]


# Co-design sessions


def _new_session(w, actor):
    return sessions.session_create(
        workshop=w.workshop,
        title="Writing together",
        starts_at=timezone.now(),
        agenda=[w.module],
        facilitator=w.co_trainer,
        actor=actor,
    )


def _session_create(w):
    return (
        lambda: _new_session(w, _by(w, w.lead)),
        lambda r: [entry(Action.SESSION_CREATE, w.lead, r, workshop=w.workshop)],
    )


def _session_record_update(w):
    session = _new_session(w, w.lead)

    def act():
        return sessions.session_record_update(
            session=session, notes="Notes", decisions="", actions="", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.SESSION_EDIT, w.co_trainer, r, workshop=w.workshop)]


def _session_end(w):
    session = _new_session(w, w.lead)

    def act():
        return sessions.session_end(session=session, actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.SESSION_END, w.lead, r, workshop=w.workshop)]


def _attendance_join(w):
    session = _new_session(w, w.lead)

    def act():
        return sessions.attendance_join(session=session, membership=_by(w, w.co_trainer))

    return act, lambda r: [entry(Action.SESSION_ATTEND, w.co_trainer, r, workshop=w.workshop)]


# Deliveries


def _new_delivery(w, actor):
    return deliveries.delivery_create(
        workshop=w.workshop,
        title="Tuesday evenings",
        first_session_at=timezone.now(),
        session_count=2,
        team=[w.lead, w.co_trainer],
        actor=actor,
    )


def _delivery_create(w):
    return (
        lambda: _new_delivery(w, _by(w, w.co_trainer)),
        lambda r: [entry(Action.DELIVERY_CREATE, w.co_trainer, r, workshop=w.workshop)],
    )


def _delivery_update(w):
    delivery = _new_delivery(w, w.lead)

    def act():
        return deliveries.delivery_update(
            delivery=delivery,
            pack=None,
            title="Thursday mornings",
            place="The library",
            is_online=False,
            places_available=10,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.DELIVERY_EDIT, w.lead, r, workshop=w.workshop)]


def _delivery_session_update(w):
    session = _new_delivery(w, w.lead).sessions.first()

    def act():
        return deliveries.delivery_session_update(
            session=session,
            starts_at=timezone.now(),
            minutes=90,
            team=[w.lead, w.co_trainer],
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [
        entry(Action.DELIVERY_SESSION_EDIT, w.co_trainer, r, workshop=w.workshop)
    ]


def _attendee_add(w):
    delivery = _new_delivery(w, w.lead)

    def act():
        return deliveries.attendee_add(delivery=delivery, name="Sam", actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.ATTENDEE_ADD, w.lead, r, workshop=w.workshop)]


def _attendee_update(w):
    attendee = deliveries.attendee_add(delivery=_new_delivery(w, w.lead), name="Sam", actor=w.lead)

    def act():
        return deliveries.attendee_update(
            attendee=attendee, needs_easy_read=True, actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.ATTENDEE_EDIT, w.co_trainer, r, workshop=w.workshop)]


def _attendee_delete(w):
    attendee = deliveries.attendee_add(delivery=_new_delivery(w, w.lead), name="Sam", actor=w.lead)

    attendee_id = attendee.pk  # the deleted object's pk is None afterwards; the log keeps it

    def act():
        return deliveries.attendee_delete(attendee=attendee, actor=_by(w, w.lead))

    return act, lambda r: [
        {
            **entry(Action.ATTENDEE_DELETE, w.lead, attendee, workshop=w.workshop),
            "target": ("attendee", attendee_id),
        }
    ]


def _register_update(w):
    delivery = _new_delivery(w, w.lead)
    session = delivery.sessions.first()
    attendee = deliveries.attendee_add(delivery=delivery, name="Sam", actor=w.lead)

    def act():
        return deliveries.register_update(
            session=session, present=[attendee], actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.REGISTER_UPDATE, w.co_trainer, r, workshop=w.workshop)]


# Evaluation


def _evaluation_create(w):
    def act():
        return evaluation.evaluation_create(workshop=w.workshop, actor=_by(w, w.co_trainer))

    def expected(module):
        return [
            entry(
                Action.EVALUATION_CREATE, w.co_trainer, module, workshop=w.workshop, module=module
            ),
            *(
                entry(
                    Action.SECTION_CREATE,
                    w.co_trainer,
                    section,
                    workshop=w.workshop,
                    module=module,
                    added=len(words(section.body)),
                )
                for section in module.sections.order_by("position")
            ),
        ]

    return act, expected


def _answers_submit(w):
    agree_evaluation(w.workshop, reviewers=[w.lead, w.co_trainer])
    delivery = _new_delivery(w, w.lead)
    version = w.workshop.modules.get(is_evaluation=True).agreed_version

    def act():
        return evaluation.answers_submit(
            delivery=delivery,
            version=version,
            stage="before",
            code="paper1",
            answers={},
            typed_by=_by(w, w.co_trainer),
        )

    return act, lambda r: [
        entry(Action.EVALUATION_ANSWERS_TYPED, w.co_trainer, delivery, workshop=w.workshop)
    ]


def _answers_open_set(w):
    delivery = _new_delivery(w, w.lead)

    def act():
        return evaluation.answers_open_set(
            delivery=delivery, is_open=False, actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.EVALUATION_OPEN, w.co_trainer, r, workshop=w.workshop)]


def _feedback_action_add(w):
    delivery = _new_delivery(w, w.lead)

    def act():
        return evaluation.feedback_action_add(
            delivery=delivery, module=w.module, text="Simpler diary", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [
        entry(
            Action.FEEDBACK_ACTION_ADD, w.co_trainer, w.module, workshop=w.workshop, module=w.module
        )
    ]


def _feedback_action_done(w):
    action = evaluation.feedback_action_add(
        delivery=_new_delivery(w, w.lead), module=w.module, text="Simpler diary", actor=w.lead
    )

    def act():
        return evaluation.feedback_action_done(
            action=action, changed_section=w.section, actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [
        entry(Action.SECTION_EDIT, w.co_trainer, w.section, workshop=w.workshop, module=w.module),
        entry(
            Action.FEEDBACK_ACTION_DONE,
            w.co_trainer,
            w.module,
            workshop=w.workshop,
            module=w.module,
        ),
    ]


def _section_add_source_tag(w):
    def act():
        return content.section_add_source_tag(
            section=w.section, tag="research_evidence", actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [
        entry(Action.SECTION_EDIT, w.co_trainer, r, workshop=w.workshop, module=w.module)
    ]


# Story consent


def _story(w):
    return SectionFactory(
        module=w.module, actor=w.co_trainer, kind=SectionKind.LIVED_EXPERIENCE_STORY
    )


def _consent_record(w):
    story = _story(w)

    def act():
        return consent.consent_record(
            section=story,
            teller=w.co_trainer,
            audience=ConsentAudience.EVERYONE,
            naming=CreditPreference.FIRST_NAME,
            expires_on=timezone.localdate() + timedelta(days=30),
            method=ConsentMethod.WRITTEN,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [
        entry(Action.CONSENT_RECORD, w.lead, story, workshop=w.workshop, module=w.module)
    ]


def _consent_withdraw(w):
    story = _story(w)
    given = consent_for(story, teller=w.co_trainer, actor=w.lead)

    def act():
        return consent.consent_withdraw(consent=given, keep_text=True, actor=_by(w, w.co_trainer))

    return act, lambda r: [
        entry(Action.CONSENT_WITHDRAW, w.co_trainer, story, workshop=w.workshop, module=w.module)
    ]


# Data rights


def _member_data_export(w):
    def act():
        return data_rights.member_data_export(member=w.co_trainer, actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.DATA_EXPORT, w.lead, w.co_trainer)]


def _person_erase(w):
    def act():
        return data_rights.person_erase(user=w.co_trainer.user, keep_words=True)

    return act, lambda r: [entry(Action.MEMBER_ERASE, w.co_trainer, w.co_trainer)]


def _member_erase(w):
    def act():
        return data_rights.member_erase(member=w.co_trainer, keep_words=True, actor=_by(w, w.lead))

    return act, lambda r: [entry(Action.MEMBER_ERASE, w.lead, w.co_trainer)]


def _closed_account_clear(w):
    def act():
        return data_rights.closed_account_clear(user=w.co_trainer.user)

    return act, lambda r: [entry(Action.CLOSED_ACCOUNT_CLEAR, w.co_trainer, w.co_trainer)]


def _organisation_retention_set(w):
    def act():
        return organisations.organisation_retention_set(
            organisation=w.organisation,
            attendee_retention_days=30,
            answer_retention_days=None,
            closed_account_retention_days=365,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.ORGANISATION_RETENTION, w.lead, w.organisation)]


def _organisation_working_rules_set(w):
    def act():
        return organisations.organisation_working_rules_set(
            organisation=w.organisation,
            family_carer_approvals_needed=2,
            professional_approvals_needed=1,
            delivery_family_carers_needed=1,
            delivery_professionals_needed=1,
            balance_threshold_percent=25,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.ORGANISATION_WORKING_RULES, w.lead, w.organisation)]


def _section_rewrite(w):
    def act():
        return content.section_rewrite(
            section=w.section, body="Rewritten.", attribution=[[w.lead.pk, 1]], actor=w.lead
        )

    return act, lambda r: [
        entry(
            Action.SECTION_EDIT,
            w.lead,
            w.section,
            workshop=w.workshop,
            module=w.module,
            added=1,
            removed=len(words(w.section.body)),
        )
    ]


# Time


def _time_entry_create(w):
    def act():
        return time.time_entry_create(
            membership=w.co_trainer,
            date=timezone.localdate(),
            minutes=90,
            activity=TimeActivity.PREPARATION,
            payment=Payment.DECLINED,
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [entry(Action.TIME_LOG, w.co_trainer, r)]


# Fair pay


def _pay_rate_add(w):
    def act():
        return pay.pay_rate_add(
            organisation=w.organisation,
            activity="",
            unit=RateUnit.HOUR,
            amount_pence=2000,
            starts_on=timezone.localdate(),
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.PAY_RATE_ADD, w.lead, r)]


def _payment_choice_set(w):
    recorded = time.time_entry_create(
        membership=w.co_trainer,
        date=timezone.localdate(),
        minutes=60,
        activity=TimeActivity.REVIEW,
        payment=Payment.PAID,
        actor=w.co_trainer,
    )

    def act():
        return pay.payment_choice_set(
            entry=recorded, payment=Payment.DONATED, actor=_by(w, w.co_trainer)
        )

    return act, lambda r: [entry(Action.PAYMENT_CHOICE, w.co_trainer, r)]


def _pay_month_close(w):
    def act():
        return pay.pay_month_close(
            organisation=w.organisation, month=timezone.localdate(), actor=_by(w, w.lead)
        )

    return act, lambda r: [entry(Action.PAY_MONTH_CLOSE, w.lead, r)]


def _expense_add(w):
    def act():
        return pay.expense_add(
            membership=w.co_trainer,
            date=timezone.localdate(),
            kind=ExpenseKind.PARKING,
            amount_pence=450,
            receipt_note="receipt kept by the lead",
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [entry(Action.EXPENSE_ADD, w.co_trainer, r)]


def _claimed(w):
    return pay.expense_add(
        membership=w.co_trainer,
        date=timezone.localdate(),
        kind=ExpenseKind.PARKING,
        amount_pence=450,
        receipt_note="receipt kept by the lead",
        actor=w.co_trainer,
    )


def _expense_update(w):
    claimed = _claimed(w)

    def act():
        return pay.expense_update(
            expense=claimed,
            date=timezone.localdate(),
            kind=ExpenseKind.TRAVEL,
            amount_pence=620,
            receipt_note="bus ticket kept by me",
            actor=_by(w, w.co_trainer),
        )

    return act, lambda r: [entry(Action.EXPENSE_EDIT, w.co_trainer, r)]


def _expense_remove(w):
    claimed = _claimed(w)
    claimed_id = claimed.pk  # the deleted object's pk is None afterwards; the log keeps it

    def act():
        return pay.expense_remove(expense=claimed, actor=_by(w, w.co_trainer))

    return act, lambda r: [
        {**entry(Action.EXPENSE_REMOVE, w.co_trainer, claimed), "target": ("expense", claimed_id)}
    ]


def _pay_month_reopen(w):
    close = pay.pay_month_close(
        organisation=w.organisation, month=timezone.localdate(), actor=w.lead
    )
    close_id = close.pk

    def act():
        return pay.pay_month_reopen(close=close, actor=_by(w, w.lead))

    return act, lambda r: [
        {**entry(Action.PAY_MONTH_REOPEN, w.lead, close), "target": ("paymonthclose", close_id)}
    ]


def _funding_pot_set(w):
    def act():
        return pay.funding_pot_set(
            organisation=w.organisation,
            year=2026,
            name="Involvement fund",
            amount_pence=500000,
            actor=_by(w, w.lead),
        )

    return act, lambda r: [entry(Action.FUNDING_POT_SET, w.lead, r)]


# Two-step sign-in


def _organisation_two_step_set(w):
    def act():
        return two_factor.organisation_two_step_set(
            organisation=w.organisation, leads_need_two_step=True, actor=_by(w, w.lead)
        )

    return act, lambda r: [entry(Action.ORGANISATION_RULES, w.lead, w.organisation)]


# "module.function" -> Service
SERVICES = {
    "accounts.user_set_email_notifications": Service(
        no_entry="not a contribution: a person's own email setting"
    ),
    "accounts.user_sign_out_everywhere": Service(
        no_entry="not a contribution: a person's own sign-in, not the organisation's work"
    ),
    "content.workshop_create": Service(_workshop_create),
    "content.workshop_update": Service(_workshop_update),
    "content.module_create": Service(_module_create),
    "content.module_update": Service(_module_update),
    "content.module_move": Service(_module_move),
    "content.module_delete": Service(_module_delete),
    "content.section_create": Service(_section_create),
    "content.section_update": Service(_section_update),
    "content.section_restore": Service(_section_restore),
    "content.section_move": Service(_section_move),
    "content.section_delete": Service(_section_delete),
    "content.section_undelete": Service(_section_undelete),
    "content.section_live_save": Service(_section_live_save),
    "content.section_add_source_tag": Service(_section_add_source_tag),
    "content.section_rewrite": Service(_section_rewrite),
    "consent.consent_record": Service(_consent_record),
    "data_rights.own_data_export": Service(
        no_entry="a person's own copy of their data: theirs, and nobody else sees it"
    ),
    "data_rights.member_data_export": Service(_member_data_export),
    "data_rights.person_erase": Service(_person_erase),
    "data_rights.member_erase": Service(_member_erase),
    "data_rights.closed_account_clear": Service(_closed_account_clear),
    "retention.retention_apply": Service(
        no_entry="the scheduled deletion of expired details, no member's work: written to the "
        "app's log with its counts; each closed account it clears is logged by "
        "closed_account_clear"
    ),
    "consent.consent_withdraw": Service(_consent_withdraw),
    "evaluation.evaluation_create": Service(_evaluation_create),
    "evaluation.answers_submit": Service(_answers_submit),
    "evaluation.answers_open_set": Service(_answers_open_set),
    "evaluation.feedback_action_add": Service(_feedback_action_add),
    "evaluation.feedback_action_done": Service(_feedback_action_done),
    "members.invitation_create": Service(_invitation_create),
    "members.invitation_accept": Service(_invitation_accept),
    "members.membership_update": Service(_membership_update),
    "members.membership_remove": Service(_membership_remove),
    "members.member_sign_in_unlock": Service(_member_sign_in_unlock),
    "members.password_reset_request": Service(
        no_entry="not a contribution: asks for an email to someone who may have no account"
    ),
    "members.membership_set_credit_preference": Service(_membership_set_credit_preference),
    "organisations.organisation_retention_set": Service(_organisation_retention_set),
    "organisations.organisation_working_rules_set": Service(_organisation_working_rules_set),
    "organisations.organisation_create": Service(
        no_entry="the site operator's write, before the organisation has a member to log as: "
        "its log starts when the invited lead joins (member.join, as invitation_accept)"
    ),
    "reviews.module_snapshot": Service(
        no_entry="writes nothing: reads the module for a round to freeze"
    ),
    "reviews.review_round_open": Service(_review_round_open),
    "reviews.review_round_withdraw": Service(_review_round_withdraw),
    "reviews.review_decide": Service(_review_decide),
    "reviews.comment_add": Service(_comment_add),
    "reviews.comment_set_resolved": Service(_comment_set_resolved),
    "packs.pack_request": Service(_pack_request),
    "packs.pack_retry": Service(_pack_retry),
    "packs.pack_build": Service(no_entry="writes nothing: renders bytes"),
    "packs.pack_render": Service(
        no_entry="not a contribution: the worker's bookkeeping; the request was logged"
    ),
    "packs.pack_requeue_lost": Service(
        no_entry="not a contribution: the worker's bookkeeping; the request was logged"
    ),
    "sessions.session_create": Service(_session_create),
    "sessions.session_record_update": Service(_session_record_update),
    "sessions.session_end": Service(_session_end),
    "sessions.attendance_join": Service(_attendance_join),
    "sessions.attendance_leave": Service(
        no_entry="not a contribution: closes a stay; the join was logged"
    ),
    "live.live_document_open": Service(
        no_entry="not a contribution: the document holds the section's text as it already is"
    ),
    "live.live_updates_append": Service(
        no_entry="not a contribution yet: its words are logged when a write-back saves them"
    ),
    "live.live_write_back": Service(_live_write_back),
    "deliveries.delivery_create": Service(_delivery_create),
    "deliveries.delivery_update": Service(_delivery_update),
    "deliveries.delivery_session_update": Service(_delivery_session_update),
    "deliveries.attendee_add": Service(_attendee_add),
    "deliveries.attendee_update": Service(_attendee_update),
    "deliveries.attendee_delete": Service(_attendee_delete),
    "deliveries.register_update": Service(_register_update),
    "time.time_entry_create": Service(_time_entry_create),
    "pay.pay_rate_add": Service(_pay_rate_add),
    "pay.payment_choice_set": Service(_payment_choice_set),
    "pay.pay_month_close": Service(_pay_month_close),
    "pay.pay_month_reopen": Service(_pay_month_reopen),
    "pay.expense_add": Service(_expense_add),
    "pay.expense_update": Service(_expense_update),
    "pay.expense_remove": Service(_expense_remove),
    "pay.funding_pot_set": Service(_funding_pot_set),
    "two_factor.organisation_two_step_set": Service(_organisation_two_step_set),
    "two_factor.totp_device_confirm": Service(
        no_entry="not a contribution: a person turns on two-step sign-in for their own account"
    ),
    "two_factor.two_step_code_check": Service(
        no_entry="not a contribution: checks a person's own sign-in code"
    ),
    "two_factor.recovery_codes_renew": Service(
        no_entry="not a contribution: a person's own recovery codes"
    ),
    "two_factor.two_step_turn_off": Service(
        no_entry="not a contribution: a person turns off two-step sign-in for their own account"
    ),
}

# The services that write log entries: every entry with a way to call it.
WRITES = sorted(name for name, service in SERVICES.items() if service.prepare is not None)
