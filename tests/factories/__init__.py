"""Factories for the test suite.

One rule, so there are no surprises:

* People and organisations (``UserFactory``, ``OrganisationFactory``, ``MembershipFactory``,
  ``InvitationFactory``) create rows directly. They are the starting point every service needs
  (a service's ``actor`` is a membership), and the invitation service sends email.
  ``PackFactory`` also creates its row directly: a pack is a generated artefact, and the service
  would render a PDF.
* Content (``WorkshopFactory``, ``ModuleFactory``, ``SectionFactory``) always goes through the
  services in ``workshops.services.content``, so every object made in a test has what a real one
  has: a position at the end of its parent, a first ``SectionRevision`` and a contribution log
  entry. Pass ``actor=<membership>`` to say who wrote it; without one the factory uses the
  organisation's first active lead, and creates a lead (family-carer perspective) only when the
  organisation has none yet.

Only ``create`` is supported for content factories (a service always saves).
"""

import factory
from factory.django import DjangoModelFactory

from workshops.enums import (
    CreditPreference,
    OrganisationKind,
    PackKind,
    PackState,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.models import (
    Invitation,
    Membership,
    Module,
    Organisation,
    Pack,
    Section,
    User,
    Workshop,
)
from workshops.services import content as content_services

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n} Example")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    is_active = True
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n:03d}")
    kind = OrganisationKind.CHARITY


class MembershipFactory(DjangoModelFactory):
    """An active membership. ``role`` defaults to co-trainer, ``perspective`` to family carer."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CO_TRAINER
    perspective = Perspective.FAMILY_CARER
    is_external = False
    credit_preference = CreditPreference.FULL_NAME
    removed_at = None


class InvitationFactory(DjangoModelFactory):
    """A usable invitation, from a new lead of the organisation unless ``invited_by`` is given."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.CO_TRAINER
    perspective = Perspective.FAMILY_CARER
    is_external = False
    invited_by = factory.SubFactory(
        MembershipFactory, organisation=factory.SelfAttribute("..organisation"), role=Role.LEAD
    )


def default_actor(organisation):
    """The organisation's first active lead; a new one only if it has none (documented above)."""
    lead = (
        Membership.active.filter(organisation=organisation, role=Role.LEAD).order_by("pk").first()
    )
    return lead or MembershipFactory(organisation=organisation, role=Role.LEAD)


class _ServiceFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    actor = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Content factories only create, through the services.")


class WorkshopFactory(_ServiceFactory):
    """A workshop made by ``workshop_create``."""

    class Meta:
        model = Workshop

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Workshop {n:03d}")
    audience = "Family carers of children with a learning disability"
    description = ""

    @classmethod
    def _create(cls, model_class, *, actor=None, organisation, **kwargs):
        actor = actor or default_actor(organisation)
        return content_services.workshop_create(organisation=organisation, actor=actor, **kwargs)


class ModuleFactory(_ServiceFactory):
    """A module made by ``module_create``: it goes at the end of its workshop."""

    class Meta:
        model = Module

    workshop = factory.SubFactory(WorkshopFactory)
    title = factory.Sequence(lambda n: f"Module {n:03d}")
    learning_outcomes = "Understand what behaviour can communicate"
    planned_minutes = 30

    @classmethod
    def _create(cls, model_class, *, actor=None, workshop, **kwargs):
        actor = actor or default_actor(workshop.organisation)
        return content_services.module_create(workshop=workshop, actor=actor, **kwargs)


class SectionFactory(_ServiceFactory):
    """A section made by ``section_create``: version 1, one revision, one log entry."""

    class Meta:
        model = Section

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Section {n:03d}")
    body = "Behaviour is a way of **telling us** something."
    kind = SectionKind.EXPLANATION
    audience = SectionAudience.EVERYONE
    content_note = ""
    source_tags = ()

    @classmethod
    def _create(cls, model_class, *, actor=None, module, **kwargs):
        actor = actor or default_actor(module.workshop.organisation)
        return content_services.section_create(module=module, actor=actor, **kwargs)


class PackFactory(DjangoModelFactory):
    """A queued attendee pack row (no file), requested by the workshop's first lead."""

    class Meta:
        model = Pack

    workshop = factory.SubFactory(WorkshopFactory)
    module = None
    kind = PackKind.ATTENDEE
    content_key = factory.Sequence(lambda n: f"{n:064x}")
    contents = factory.LazyFunction(list)
    state = PackState.QUEUED
    requested_by = factory.LazyAttribute(lambda o: default_actor(o.workshop.organisation))
