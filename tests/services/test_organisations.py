"""Making an organisation (services/organisations.py): the organisation and its first lead's
invitation in one step, for the site's operators only, refused plainly and whole."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import OrganisationFactory, UserFactory
from workshops.contribution_log import chain_verify
from workshops.enums import Action, Perspective, Role
from workshops.models import ContributionEntry, Invitation, Organisation
from workshops.services import members
from workshops.services.organisations import organisation_create

pytestmark = pytest.mark.django_db


def _create(**changes):
    arguments = {
        "name": "Riverside Family Support",
        "lead_email": "ruth@example.org",
        "lead_name": "Ruth Okafor",
        "lead_perspective": Perspective.FAMILY_CARER,
        "actor": None,
        **changes,
    }
    return organisation_create(**arguments)


def _made():
    return (Organisation.objects.count(), Invitation.objects.count())


def test_organisation_create_invited_lead_joins_as_the_first_entry_of_its_log():
    invitation = _create(actor=UserFactory(is_staff=True))
    organisation = invitation.organisation
    assert ContributionEntry.objects.filter(organisation=organisation).count() == 0

    lead = members.invitation_accept(
        invitation=invitation,
        full_name="Ruth Okafor",
        first_name="Ruth",
        password="a-long-and-unusual-password",
    )

    assert (lead.organisation, lead.role, lead.perspective) == (
        organisation,
        Role.LEAD,
        Perspective.FAMILY_CARER,
    )
    entries = list(ContributionEntry.objects.filter(organisation=organisation))
    assert [(e.action, e.membership_id, e.previous_hash) for e in entries] == [
        (Action.MEMBER_JOIN, lead.pk, "")
    ]
    organisation.refresh_from_db()
    assert chain_verify(organisation) is None


def test_organisation_create_lead_can_then_invite_the_team():
    invitation = _create()
    lead = members.invitation_accept(
        invitation=invitation, full_name="Ruth Okafor", first_name="Ruth", password="long-pass-1a"
    )

    invited = members.invitation_create(
        organisation=invitation.organisation,
        email="tom@example.org",
        role=Role.STAFF,
        perspective=Perspective.PROFESSIONAL,
        actor=lead,
    )

    assert (invited.role, invited.invited_by) == (Role.STAFF, lead)


@pytest.mark.parametrize(
    "who", ["not staff", "staff, account closed"], ids=["member", "inactive-staff"]
)
def test_organisation_create_refuses_anyone_but_an_active_staff_user(who):
    user = UserFactory(is_staff=who != "not staff", is_active=who == "not staff")

    with pytest.raises(PermissionDenied):
        _create(actor=user)

    assert _made() == (0, 0)


def test_organisation_create_refuses_the_same_name_in_other_letters():
    OrganisationFactory(name="Riverside Family Support")

    with pytest.raises(ValidationError) as refused:
        _create(name=" RIVERSIDE  family support")

    assert refused.value.message_dict == {
        "name": ["There is already an organisation called “Riverside Family Support”."]
    }
    assert _made() == (1, 0)


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"name": "   "}, {"name": ["This field is required."]}),
        ({"name": "n" * 201}, {"name": ["Keep it to 200 characters or fewer."]}),
        ({"lead_name": ""}, {"lead_name": ["This field is required."]}),
        (
            {"lead_email": "a" * 250 + "@example.org"},
            {"lead_email": ["Keep it to 254 characters or fewer."]},
        ),
        ({"lead_email": "ruth at example"}, {"lead_email": ["Enter a valid email address."]}),
        (
            {"lead_perspective": "manager"},
            {"lead_perspective": ["Choose family carer or professional for the lead."]},
        ),
    ],
    ids=["empty-name", "long-name", "no-lead-name", "long-email", "bad-email", "bad-perspective"],
)
def test_organisation_create_refuses_bad_input_beside_the_field(changes, errors):
    with pytest.raises(ValidationError) as refused:
        _create(**changes)

    assert refused.value.message_dict == errors
    assert _made() == (0, 0)


def test_organisation_create_invitation_link_is_on_the_site_address(settings):
    settings.SITE_URL = "https://coprod.example.org"

    invitation = _create()

    assert invitation.link == f"https://coprod.example.org/invitations/{invitation.token}/"
