"""Erasure at a person's request: their name and contact gone from every text column coprod
keeps, their account closed, their words kept or taken out as they chose, the frozen record
untouched and the contribution log still verifying."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from tests.factories import MembershipFactory
from tests.helpers import agree_module, edit_section, write_section
from workshops.contribution_log import chain_verify
from workshops.enums import Action, Perspective, Role
from workshops.models import ContributionEntry, ModuleVersion, Section
from workshops.selectors.members import memberships_by_id
from workshops.services import members as member_services
from workshops.services.data_rights import member_erase, person_erase

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Quillon Erasmus", "quillon.erasmus@example.org"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _columns_holding(needle):
    """Every (model, column) in every installed app whose rows hold ``needle`` anywhere."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, TEXT_FIELDS)
                and model._default_manager.filter(
                    **{f"{field.attname}__icontains": needle}
                ).exists()
            ):
                found.append(f"{model._meta.label}.{field.attname}")
    return sorted(found)


@pytest.fixture
def person(world):
    """A family carer, invited and then a member, who wrote words now agreed and once typed the
    wrong password."""
    member_services.invitation_create(
        organisation=world.organisation,
        email="quillon.ERASMUS@example.org",
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        actor=world.lead,
    )
    member = MembershipFactory(
        organisation=world.organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        user__full_name=NAME,
        user__first_name="Quillon",
        user__email=EMAIL,
        job_title="Parent carer, peer support",
    )
    edit_section(world.section, world.section.body + " Zephyrine words of mine.", actor=member)
    write_section(world.module, actor=member, title="Mine alone", body="Only Zephyrine here.")
    agree_module(world.module, reviewers=[world.lead, member], actor=world.lead)
    AccessAttempt.objects.create(username=EMAIL, ip_address="192.0.2.1", failures_since_start=1)
    return member


def test_after_erasure_the_name_and_email_are_in_no_text_column_and_the_log_verifies(world, person):
    assert "workshops.Membership.job_title" in _columns_holding("peer support")
    assert _columns_holding(NAME) and _columns_holding(EMAIL)
    entries_before = ContributionEntry.objects.count()

    person_erase(user=person.user, keep_words=True)

    assert _columns_holding(NAME) == []
    assert _columns_holding(EMAIL) == []
    assert _columns_holding("Quillon") == []
    world.organisation.refresh_from_db()
    assert chain_verify(world.organisation) is None
    assert ContributionEntry.objects.count() == entries_before + 1
    credited = memberships_by_id(organisation=world.organisation)[person.pk]
    assert credited.credit_name == "a former family carer"
    person.refresh_from_db()
    assert person.removed_at is not None
    assert not person.user.is_active and not person.user.has_usable_password()


def test_words_are_kept_when_the_person_chooses(world, person):
    person_erase(user=person.user, keep_words=True)

    assert "Zephyrine words of mine." in Section.objects.get(pk=world.section.pk).body


def test_words_are_taken_out_of_current_sections_but_the_agreed_version_keeps_them(world, person):
    others = Section.objects.get(pk=world.section.pk).body.replace(" Zephyrine words of mine.", "")

    person_erase(user=person.user, keep_words=False)

    section = Section.objects.get(pk=world.section.pk)
    assert section.body == others
    assert "Zephyrine" not in Section.objects.get(title="Mine alone").body
    assert all(author != person.pk for author, _ in section.attribution)
    frozen = ModuleVersion.objects.get(pk=world.module.agreed_version_id)
    assert "Zephyrine words of mine." in str(frozen.snapshot)
    world.organisation.refresh_from_db()
    assert chain_verify(world.organisation) is None


def test_a_lead_erases_a_person_at_their_request_and_the_log_names_the_lead(world, person):
    member_erase(member=person, keep_words=False, actor=world.lead)

    assert _columns_holding(NAME) == []
    assert _columns_holding(EMAIL) == []
    section = Section.objects.get(title="Mine alone")
    assert "Zephyrine" not in section.body
    entry = ContributionEntry.objects.filter(action=Action.MEMBER_ERASE).get()
    assert (entry.membership_id, entry.target_id) == (world.lead.pk, person.pk)
    world.organisation.refresh_from_db()
    assert chain_verify(world.organisation) is None


def test_a_lead_cannot_erase_someone_who_belongs_to_another_organisation_too(
    world, person, make_world
):
    elsewhere = make_world()
    MembershipFactory(user=person.user, organisation=elsewhere.organisation)

    with pytest.raises(ValidationError):
        member_erase(member=person, keep_words=True, actor=world.lead)

    person.user.refresh_from_db()
    assert person.user.full_name == NAME


def test_a_lead_cannot_erase_themselves_this_way(world):
    with pytest.raises(ValidationError):
        member_erase(member=world.lead, keep_words=True, actor=world.lead)


def test_only_a_lead_may_erase_someone_else(world, person):
    with pytest.raises(PermissionDenied):
        member_erase(member=person, keep_words=True, actor=world.co_trainer)


def test_a_lead_cannot_erase_another_lead_or_someone_who_runs_the_site(world, person):
    co_lead = MembershipFactory(organisation=world.organisation, role=Role.LEAD)
    with pytest.raises(ValidationError):
        member_erase(member=co_lead, keep_words=True, actor=world.lead)

    person.user.is_staff = True
    person.user.save()
    with pytest.raises(ValidationError):
        member_erase(member=person, keep_words=True, actor=world.lead)

    person.user.refresh_from_db()
    assert person.user.full_name == NAME


def test_a_leads_erasure_takes_words_out_only_in_their_organisation(world, person, make_world):
    elsewhere = make_world()
    left = MembershipFactory(
        user=person.user, organisation=elsewhere.organisation, perspective=Perspective.FAMILY_CARER
    )
    theirs = write_section(
        elsewhere.module, actor=left, title="Written elsewhere", body="Zephyrine elsewhere."
    )
    member_services.membership_remove(membership=left, actor=elsewhere.lead)

    member_erase(member=person, keep_words=False, actor=world.lead)

    theirs.refresh_from_db()
    assert theirs.body == "Zephyrine elsewhere."  # kept, credited to the new name
    assert "Zephyrine" not in Section.objects.get(title="Mine alone").body
    logged = ContributionEntry.objects.filter(
        organisation=elsewhere.organisation, action=Action.MEMBER_ERASE
    ).get()
    assert logged.membership_id == left.pk
    elsewhere.organisation.refresh_from_db()
    assert chain_verify(elsewhere.organisation) is None
