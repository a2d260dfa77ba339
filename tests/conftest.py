"""Shared fixtures: one organisation with a member of every role, and a small content tree.

``make_world()`` builds a whole organisation: lead, co-trainer, workshop, module, a section, a
deleted section and a pending invitation; ``complete=True`` adds an open review round on the
module (with one comment), a queued pack and a co-design session with the module on its agenda.
The isolation tests build two and ask for one's objects as the other's members. Content goes
through the services (see tests/factories).

Also here: a module under review (``review_module``, ``review_section``, ``review_round``), the
team whose workshop the pack tests print (``team``, ``request_pack``, ``packs_root``), and the
check that tests marked ``postgres`` run on PostgreSQL.
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    PackFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import FIRST_BODY, agree_evaluation, consent_for, make_pack_team
from workshops.enums import PackKind, Perspective, Role, SectionKind
from workshops.models import (
    Attendee,
    CoDesignSession,
    Comment,
    Delivery,
    DeliverySession,
    FeedbackAction,
    Invitation,
    Membership,
    Module,
    Organisation,
    Pack,
    ReviewRound,
    Section,
    Workshop,
)
from workshops.services import content as content_services
from workshops.services import deliveries as delivery_services
from workshops.services import evaluation as evaluation_services
from workshops.services import packs as pack_services
from workshops.services import reviews as review_services
from workshops.services import sessions as session_services

ROLES = (Role.LEAD, Role.CO_TRAINER, Role.OBSERVER, Role.EXTERNAL_SUPPORTER, Role.STAFF)


@dataclass
class World:
    """One organisation and one of everything in it."""

    organisation: Organisation
    lead: Membership
    co_trainer: Membership
    workshop: Workshop
    module: Module
    section: Section
    deleted_section: Section
    invitation: Invitation
    # Only with make_world(complete=True):
    review_round: ReviewRound | None = None
    comment: Comment | None = None
    pack: Pack | None = None
    session: CoDesignSession | None = None
    delivery: Delivery | None = None
    delivery_session: DeliverySession | None = None
    attendee: Attendee | None = None
    evaluation: Module | None = None  # agreed, with its starter questions
    feedback_action: FeedbackAction | None = None
    story: Section | None = None  # a lived-experience story with written consent


@pytest.fixture
def make_world(db):
    def make(name=None, *, complete=False):
        organisation = OrganisationFactory(**({"name": name} if name else {}))
        lead = MembershipFactory(
            organisation=organisation, role=Role.LEAD, perspective=Perspective.PROFESSIONAL
        )
        co_trainer = MembershipFactory(
            organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
        )
        workshop = WorkshopFactory(organisation=organisation, actor=lead)
        module = ModuleFactory(workshop=workshop, actor=lead)
        section = SectionFactory(module=module, actor=co_trainer)
        deleted_section = SectionFactory(module=module, actor=lead, title="Deleted section")
        content_services.section_delete(section=deleted_section, actor=lead)
        invitation = InvitationFactory(organisation=organisation, invited_by=lead)
        world = World(
            organisation, lead, co_trainer, workshop, module, section, deleted_section, invitation
        )
        if complete:
            world.review_round = review_services.review_round_open(
                module=module, reviewers=[lead, co_trainer], actor=lead
            )
            world.comment = review_services.comment_add(
                round=world.review_round, body="Could we say this more gently?", actor=co_trainer
            )
            world.pack = PackFactory(workshop=workshop, requested_by=lead)
            world.session = session_services.session_create(
                workshop=workshop,
                title="Writing together",
                starts_at=timezone.now(),
                agenda=[module],
                facilitator=co_trainer,
                actor=lead,
            )
            world.delivery = delivery_services.delivery_create(
                workshop=workshop,
                title="Tuesday evenings",
                first_session_at=timezone.now(),
                session_count=2,
                team=[lead, co_trainer],
                actor=lead,
            )
            world.delivery_session = world.delivery.sessions.first()
            world.attendee = delivery_services.attendee_add(
                delivery=world.delivery, name="Jo", needs_large_print=True, actor=lead
            )
            world.evaluation = agree_evaluation(workshop, reviewers=[lead, co_trainer])
            world.feedback_action = evaluation_services.feedback_action_add(
                delivery=world.delivery, module=module, text="Make the diary simpler", actor=lead
            )
            world.story = SectionFactory(
                module=module,
                actor=co_trainer,
                title="Our first meeting",
                kind=SectionKind.LIVED_EXPERIENCE_STORY,
            )
            consent_for(world.story, teller=co_trainer, actor=lead)
        return world

    return make


@pytest.fixture
def world(make_world):
    return make_world()


@pytest.fixture
def other_world(make_world):
    return make_world()


@pytest.fixture
def organisation(world):
    return world.organisation


@pytest.fixture
def lead(world):
    return world.lead


@pytest.fixture
def co_trainer(world):
    return world.co_trainer


@pytest.fixture
def observer(world):
    return MembershipFactory(
        organisation=world.organisation, role=Role.OBSERVER, perspective=Perspective.FAMILY_CARER
    )


@pytest.fixture
def external_supporter(world):
    return MembershipFactory(
        organisation=world.organisation,
        role=Role.EXTERNAL_SUPPORTER,
        perspective=Perspective.PROFESSIONAL,
        is_external=True,
    )


@pytest.fixture
def carer(world):
    """The world's co-trainer, a family carer."""
    return world.co_trainer


@pytest.fixture
def professional(world):
    """A co-trainer from the professional perspective, besides the world's lead."""
    return MembershipFactory(
        organisation=world.organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )


@pytest.fixture
def workshop(world):
    return world.workshop


@pytest.fixture
def module(world):
    return world.module


@pytest.fixture
def section(world):
    return world.section


@pytest.fixture
def live_session_starts_at():
    """When ``live_session`` starts: now, unless a test module overrides this fixture."""
    return timezone.now()


@pytest.fixture
def live_session(world, live_session_starts_at):
    """A co-design session on the world's workshop with its module on the agenda, facilitated
    by the lead."""
    return session_services.session_create(
        workshop=world.workshop,
        title="Writing module one together",
        starts_at=live_session_starts_at,
        agenda=[world.module],
        facilitator=world.lead,
        actor=world.lead,
    )


@pytest.fixture
def review_module(world):
    """A module of its own, whatever the shared world puts on its module."""
    return ModuleFactory(workshop=world.workshop, actor=world.lead, title="Understanding behaviour")


@pytest.fixture
def review_section(review_module, carer):
    return SectionFactory(module=review_module, actor=carer, body=FIRST_BODY)


@pytest.fixture
def review_round(world, carer, professional, observer, review_module, review_section):
    """An open round on ``review_module``: reviewed by a family carer, a professional and an
    observer (who may comment but not sign off)."""
    return review_services.review_round_open(
        module=review_module, reviewers=[carer, professional, observer], actor=world.lead
    )


@pytest.fixture
def packs_root(settings, tmp_path):
    settings.PACKS_ROOT = tmp_path / "packs"
    return settings.PACKS_ROOT


@pytest.fixture
def team(db):
    """The pack tests' team and workshop (tests.helpers.make_pack_team)."""
    return make_pack_team()


@pytest.fixture
def request_pack(django_capture_on_commit_callbacks, packs_root):
    """Ask for a pack as a member would; the render task (eager in tests) runs on commit."""

    def request(team, kind=PackKind.ATTENDEE, module=None, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            pack = pack_services.pack_request(
                workshop=team.workshop, kind=kind, module=module, actor=actor or team.carer
            )
        pack.refresh_from_db()
        return pack

    return request


@pytest.fixture
def client_for(db):
    """A new test client signed in as the given membership's person (or the given user)."""

    def make(person):
        user = person.user if isinstance(person, Membership) else person
        client = Client()
        client.force_login(user)
        return client

    return make


def pytest_configure(config):
    # WhiteNoise looks for collected static files, which tests never collect.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _needs_postgresql(request):
    if request.node.get_closest_marker("postgres"):
        assert connection.vendor == "postgresql", "Run with DATABASE_URL=postgres://…"


@pytest.fixture
def flushable_log(transactional_db):
    """Let the end of a transactional test empty the contribution log.

    Django empties the tables with TRUNCATE after such a test, which the log's append-only
    trigger refuses. Torn down just before that flush, this turns user triggers off for the rest
    of this connection's life; Django closes the connection straight after the flush.
    """
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
