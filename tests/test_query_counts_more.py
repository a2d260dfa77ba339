"""More list pages run the same number of queries for one item as for twenty: packs, review
rounds, sessions, attendance, time records, deleted sections and pending invitations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ModuleFactory,
    PackFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import CREDIT_PREFERENCES, agree_module, make_people, make_team, query_count
from workshops.enums import DecisionKind, PackKind, PackState, Perspective, Role, TimeActivity
from workshops.models import Invitation, Module, Pack
from workshops.models.sessions import Attendance
from workshops.models.time import Payment
from workshops.pdf.assemble import pack_content_key, pack_contents
from workshops.services import content as content_services
from workshops.services import reviews as review_services
from workshops.services import sessions as session_services
from workshops.services import time as time_services

pytestmark = pytest.mark.django_db

MANY = 20


def _decide(round, actor, kind=DecisionKind.APPROVE):
    return review_services.review_decide(
        round=round,
        kind=kind,
        content_hash=round.version.content_hash,
        reason="Please use the words families use." if kind == DecisionKind.REQUEST_CHANGES else "",
        actor=actor,
    )


def _agreed_module(workshop, lead, carer, number):
    """A module with one section, agreed by a professional and a family carer."""
    module = ModuleFactory(workshop=workshop, actor=lead, title=f"Agreed module {number}")
    SectionFactory(module=module, actor=carer, body=f"Agreed words {number}")
    agree_module(module, reviewers=[lead, carer], actor=lead)
    return module


# Packs


def _packs_page(client_for, count):
    """``count`` agreed modules (each one's handout key is worked out to mark old packs) and
    ``count`` packs of every kind, some up to date and some not."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    modules = [_agreed_module(workshop, lead, carer, n) for n in range(count)]
    ModuleFactory(workshop=workshop, actor=lead, title="Not agreed yet")
    requesters = make_people(organisation, count)
    out_of_date = 0
    for number in range(count):
        module = modules[number]
        kind = [PackKind.MODULE_HANDOUT, PackKind.ATTENDEE, PackKind.FACILITATOR][number % 3]
        pack_module = module if kind == PackKind.MODULE_HANDOUT else None
        contents = pack_contents(workshop=workshop, module=pack_module)
        current = pack_content_key(
            kind=kind, workshop=workshop, module=pack_module, contents=contents
        )
        if Pack.objects.filter(content_key=current).exists() or number % 2:
            current = f"{workshop.pk:032x}{number:032x}"  # An older pack: out of date.
            out_of_date += 1
        PackFactory(
            workshop=workshop,
            module=pack_module,
            kind=kind,
            content_key=current,
            contents=contents,
            state=[PackState.QUEUED, PackState.READY, PackState.FAILED][number % 3],
            requested_by=requesters[number],
        )
    url = reverse("workshop_packs", args=[workshop.pk])
    client = client_for(carer)
    queries = query_count(client, url)
    # Only the packs made from other versions than those agreed now are marked out of date.
    page = client.get(url).content.decode()
    assert page.count("out of date</span>") == out_of_date
    assert count == 1 or 0 < out_of_date < count
    return queries


def _pack_detail(client_for, count):
    """One module handout listing ``count`` agreed versions and ``count`` modules left out."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    module = _agreed_module(workshop, lead, carer, 0)
    contents = {
        "versions": [
            {
                "module_id": module.pk,
                "version_id": module.agreed_version_id,
                "title": f"Module {n}",
                "version": n + 1,
                "content_hash": f"{n:064x}",
            }
            for n in range(count)
        ],
        "not_agreed": [f"Draft module {n}" for n in range(count)],
    }
    pack = PackFactory(
        workshop=workshop, module=module, kind=PackKind.MODULE_HANDOUT, contents=contents
    )
    return query_count(client_for(carer), reverse("pack_detail", args=[pack.pk]))


def test_workshop_packs_page_queries_do_not_grow_with_packs_or_agreed_modules(client_for):
    assert _packs_page(client_for, 1) == _packs_page(client_for, MANY)


def test_pack_detail_page_queries_do_not_grow_with_its_contents(client_for):
    assert _pack_detail(client_for, 1) == _pack_detail(client_for, MANY)


# Review rounds


def _comment_threads(round, sections, commenters, repliers, count):
    """``count`` comment threads (on the sections in turn, one general), each with a reply,
    every other one resolved."""
    for number in range(count):
        section_id = sections[number % len(sections)].pk if number else None
        comment = review_services.comment_add(
            round=round,
            body=f"Comment {number}",
            section_id=section_id,
            quote="these words" if number % 2 else "",
            actor=commenters[number % len(commenters)],
        )
        review_services.comment_add(
            round=round,
            body=f"Reply {number}",
            parent=comment,
            actor=repliers[number % len(repliers)],
        )
        if number % 2:
            review_services.comment_set_resolved(
                comment=comment, resolved=True, actor=repliers[number % len(repliers)]
            )


def _review_round_page(client_for, count):
    """The second round of a module of ``count`` sections, with ``count`` reviewers who each
    decided, ``count`` comment threads with replies, and ``count`` open items from round 1."""
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    sections = [
        SectionFactory(module=module, actor=carer if n % 2 else lead, body=f"Words {n}")
        for n in range(count)
    ]
    reviewers = make_people(organisation, count)
    first = review_services.review_round_open(
        module=module, reviewers=[lead, *reviewers], actor=lead
    )
    _comment_threads(first, sections, reviewers, [lead, carer], count)
    _decide(first, reviewers[0], DecisionKind.REQUEST_CHANGES)
    for number, section in enumerate(sections):
        section.refresh_from_db()
        content_services.section_update(
            section=section,
            based_on_version=section.version,
            title=section.title,
            body=f"{section.body} and more {number}",
            kind=section.kind,
            audience=section.audience,
            actor=carer,
        )
    SectionFactory(module=module, actor=carer, body="A new section")
    second = review_services.review_round_open(
        module=module, reviewers=[lead, *reviewers], actor=lead
    )
    _comment_threads(second, sections, reviewers, [lead, carer], count)
    # Requests for changes keep the round open, so every reviewer can decide.
    for reviewer in reviewers:
        _decide(second, reviewer, DecisionKind.REQUEST_CHANGES)
    _decide(second, lead, DecisionKind.REQUEST_CHANGES)
    url = reverse("review_round_detail", args=[second.pk])
    return query_count(client_for(lead), url)


def _agreed_round_page(client_for, count):
    """An agreed round signed off by ``count`` approvers (the stamp lists them all)."""
    organisation, lead, carer = make_team()
    organisation.family_carer_approvals_needed = count
    organisation.save(update_fields=["family_carer_approvals_needed"])
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    SectionFactory(module=module, actor=carer)
    carers = [
        MembershipFactory(
            organisation=organisation,
            perspective=Perspective.FAMILY_CARER,
            credit_preference=CREDIT_PREFERENCES[n % len(CREDIT_PREFERENCES)],
        )
        for n in range(count)
    ]
    round = review_services.review_round_open(module=module, reviewers=[lead, *carers], actor=lead)
    _decide(round, lead)
    for person in carers:
        _decide(round, person)
    round.refresh_from_db()
    assert round.status == "agreed"
    return query_count(client_for(carer), reverse("review_round_detail", args=[round.pk]))


def _module_rounds_page(client_for, count):
    """``count`` rounds, each with two reviewers, a decision and a comment."""
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    section = SectionFactory(module=module, actor=carer, body="Words 0")
    people = make_people(organisation, count)
    for number in range(count):
        round = review_services.review_round_open(
            module=module, reviewers=[people[number], carer], actor=lead
        )
        review_services.comment_add(
            round=round, body=f"Comment {number}", section_id=section.pk, actor=people[number]
        )
        _decide(round, people[number], DecisionKind.REQUEST_CHANGES)
        section.refresh_from_db()
        content_services.section_update(
            section=section,
            based_on_version=section.version,
            title=section.title,
            body=f"Words {number + 1}",
            kind=section.kind,
            audience=section.audience,
            actor=carer,
        )
    assert module.review_rounds.count() == count
    return query_count(client_for(carer), reverse("module_rounds", args=[module.pk]))


def test_review_round_page_queries_do_not_grow_with_sections_comments_or_reviewers(client_for):
    assert _review_round_page(client_for, 1) == _review_round_page(client_for, MANY)


def test_agreed_review_round_page_queries_do_not_grow_with_signatories(client_for):
    assert _agreed_round_page(client_for, 1) == _agreed_round_page(client_for, MANY)


def test_module_rounds_page_queries_do_not_grow_with_rounds(client_for):
    assert _module_rounds_page(client_for, 1) == _module_rounds_page(client_for, MANY)


# Co-design sessions and time


def _workshop_sessions_page(client_for, count):
    """``count`` sessions, each facilitated by someone else, some ended."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    module = ModuleFactory(workshop=workshop, actor=lead)
    facilitators = make_people(organisation, count)
    for number, facilitator in enumerate(facilitators):
        session = session_services.session_create(
            workshop=workshop,
            title=f"Session {number}",
            starts_at=timezone.now() + timedelta(days=number),
            agenda=[module],
            facilitator=facilitator,
            actor=lead,
        )
        if number % 2:
            session_services.session_end(session=session, actor=lead)
    # As lead: the page also shows the form to schedule one.
    return query_count(client_for(lead), reverse("workshop_sessions", args=[workshop.pk]))


def _session_with_attendance(count):
    """(lead, session): ``count`` agenda modules with a section each (and deleted ones), and
    ``count`` people who joined, half still in the room, half gone with their time confirmed."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    modules = []
    for number in range(count):
        module = ModuleFactory(workshop=workshop, actor=lead, title=f"Module {number}")
        SectionFactory(module=module, actor=carer, title=f"Section {number}")
        gone = SectionFactory(module=module, actor=carer, title=f"Deleted {number}")
        content_services.section_delete(section=gone, actor=lead)
        modules.append(module)
    session = session_services.session_create(
        workshop=workshop,
        title="Writing together",
        starts_at=timezone.now() - timedelta(hours=1),
        agenda=modules,
        facilitator=carer,
        actor=lead,
    )
    people = make_people(organisation, count)
    for number, person in enumerate(people):
        stay = session_services.attendance_join(session=session, membership=person)
        Attendance.objects.filter(pk=stay.pk).update(
            joined_at=timezone.now() - timedelta(minutes=30 + number)
        )
        if number % 2:
            session_services.attendance_leave(attendance_id=stay.pk)
            time_services.time_entry_create(
                membership=person,
                date=timezone.localdate(),
                minutes=30,
                activity=TimeActivity.CO_DESIGN,
                payment=Payment.PAID,
                session=session,
                actor=person,
            )
    session_services.attendance_join(session=session, membership=lead)
    return lead, session


def _session_detail_page(client_for, count):
    lead, session = _session_with_attendance(count)
    return query_count(client_for(lead), reverse("session_detail", args=[session.pk]))


def _session_presence(client_for, count):
    lead, session = _session_with_attendance(count)
    return query_count(client_for(lead), reverse("session_presence", args=[session.pk]))


def _time_records_page(client_for, count):
    """As lead: ``count`` entries by ``count`` people, half of them from a session."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    people = make_people(organisation, count)
    for number, person in enumerate(people):
        session = None
        if number % 2:
            session = session_services.session_create(
                workshop=workshop,
                title=f"Session {number}",
                starts_at=timezone.now(),
                agenda=[],
                facilitator=carer,
                actor=lead,
            )
        time_services.time_entry_create(
            membership=person,
            date=timezone.localdate() - timedelta(days=number),
            minutes=30 + number,
            activity=list(TimeActivity)[number % len(TimeActivity)],
            payment=list(Payment)[number % len(Payment)],
            note=f"Note {number}",
            session=session,
            actor=lead,
        )
    return query_count(client_for(lead), reverse("time_records", args=[organisation.pk]))


def test_workshop_sessions_page_queries_do_not_grow_with_sessions(client_for):
    assert _workshop_sessions_page(client_for, 1) == _workshop_sessions_page(client_for, MANY)


def test_session_page_queries_do_not_grow_with_agenda_or_attendance(client_for):
    assert _session_detail_page(client_for, 1) == _session_detail_page(client_for, MANY)


def test_session_presence_queries_do_not_grow_with_people_in_the_room(client_for):
    assert _session_presence(client_for, 1) == _session_presence(client_for, MANY)


def test_time_records_page_queries_do_not_grow_with_entries_or_people(client_for):
    assert _time_records_page(client_for, 1) == _time_records_page(client_for, MANY)


# Deleted sections and invitations


def _deleted_sections_page(client_for, count):
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    SectionFactory(module=module, actor=carer, title="Still here")
    for number in range(count):
        section = SectionFactory(module=module, actor=carer, title=f"Gone {number}")
        content_services.section_delete(section=section, actor=carer if number % 2 else lead)
    # As lead: each row also has its "Bring back" button.
    return query_count(client_for(lead), reverse("deleted_sections", args=[module.pk]))


def _member_list_invitations(client_for, count):
    """As lead: ``count`` pending invitations from different people, some expired, and one
    accepted (not listed)."""
    organisation, lead, carer = make_team()
    inviters = make_people(organisation, count, role=Role.LEAD)
    for number, inviter in enumerate(inviters):
        invitation = InvitationFactory(
            organisation=organisation,
            invited_by=inviter,
            role=[Role.CO_TRAINER, Role.OBSERVER, Role.EXTERNAL_SUPPORTER][number % 3],
            perspective=[Perspective.FAMILY_CARER, Perspective.PROFESSIONAL][number % 2],
            is_external=bool(number % 2),
        )
        if number % 2:
            Invitation.objects.filter(pk=invitation.pk).update(
                created_at=timezone.now() - timedelta(days=365)
            )
    InvitationFactory(organisation=organisation, invited_by=lead, accepted_at=timezone.now())
    return query_count(client_for(lead), reverse("member_list", args=[organisation.pk]))


def _workshop_list_with_deleted_modules(client_for, count):
    """``count`` workshops, each with a live and a deleted module."""
    organisation, lead, carer = make_team()
    for _ in range(count):
        workshop = WorkshopFactory(organisation=organisation, actor=lead)
        ModuleFactory(workshop=workshop, actor=lead)
        content_services.module_delete(module=ModuleFactory(workshop=workshop), actor=lead)
    assert Module.all_objects.filter(deleted_at__isnull=False).count() >= count
    return query_count(client_for(carer), reverse("workshop_list", args=[organisation.pk]))


def test_deleted_sections_page_queries_do_not_grow_with_deleted_sections(client_for):
    assert _deleted_sections_page(client_for, 1) == _deleted_sections_page(client_for, MANY)


def test_member_list_queries_do_not_grow_with_pending_invitations(client_for):
    assert _member_list_invitations(client_for, 1) == _member_list_invitations(client_for, MANY)


def test_workshop_list_queries_do_not_grow_with_workshops(client_for):
    one = _workshop_list_with_deleted_modules(client_for, 1)
    assert _workshop_list_with_deleted_modules(client_for, MANY) == one
