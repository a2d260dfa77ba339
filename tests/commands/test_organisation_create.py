"""The organisation_create command: a new organisation, its first lead's invitation and the link,
or a plain refusal that makes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import OrganisationFactory
from workshops.enums import OrganisationKind, Perspective, Role
from workshops.models import ContributionEntry, Invitation, Organisation

pytestmark = pytest.mark.django_db

LEAD = ["--lead-email", " Ruth.Okafor@Example.org ", "--lead-name", "Ruth  Okafor"]


def _run(name, *extra):
    stdout = io.StringIO()
    call_command("organisation_create", name, *LEAD, *extra, stdout=stdout)
    return stdout.getvalue()


def test_organisation_create_command_makes_organisation_and_lead_invitation(settings):
    settings.SITE_URL = "https://coprod.example.org/"

    output = _run("Riverside Family Support", "--lead-perspective", "family_carer")

    organisation = Organisation.objects.get(name="Riverside Family Support")
    invitation = Invitation.objects.get(organisation=organisation)
    assert (organisation.kind, organisation.log_head_hash) == (OrganisationKind.OTHER, "")
    assert (
        invitation.email,
        invitation.full_name,
        invitation.role,
        invitation.perspective,
        invitation.invited_by,
        invitation.accepted_at,
    ) == ("ruth.okafor@example.org", "Ruth Okafor", Role.LEAD, Perspective.FAMILY_CARER, None, None)
    assert output.splitlines() == [
        f"Made “Riverside Family Support” (id {organisation.pk}). Give this link to Ruth Okafor "
        "<ruth.okafor@example.org> so they can join as its lead:",
        f"https://coprod.example.org/invitations/{invitation.token}/",
        f"It works once, for {settings.INVITATION_VALID_DAYS} days.",
    ]
    # Nobody is a member yet, so the organisation's log is empty until the lead joins.
    assert ContributionEntry.objects.filter(organisation=organisation).count() == 0


def test_organisation_create_command_takes_a_kind():
    _run("Hillside NHS PBS team", "--lead-perspective", "professional", "--kind", "nhs_service")

    assert (
        Organisation.objects.get(name="Hillside NHS PBS team").kind == OrganisationKind.NHS_SERVICE
    )


def test_organisation_create_command_refuses_a_duplicate_name_plainly():
    OrganisationFactory(name="Riverside Family Support")

    with pytest.raises(
        CommandError,
        match=r"^There is already an organisation called “Riverside Family Support”\.$",
    ):
        _run("  riverside   family support ", "--lead-perspective", "professional")

    assert Organisation.objects.filter(name__iexact="Riverside Family Support").count() == 1
    assert Invitation.objects.count() == 0


def test_organisation_create_command_refuses_a_bad_email_and_makes_nothing():
    stdout = io.StringIO()

    with pytest.raises(CommandError, match=r"^Enter a valid email address\.$"):
        call_command(
            "organisation_create",
            "Somewhere new",
            "--lead-email",
            "not an address",
            "--lead-name",
            "Ruth Okafor",
            "--lead-perspective",
            "professional",
            stdout=stdout,
        )

    assert Organisation.objects.filter(name="Somewhere new").exists() is False
    assert stdout.getvalue() == ""


def test_organisation_create_command_refuses_an_unknown_perspective():
    with pytest.raises(CommandError, match="invalid choice: 'manager'"):
        _run("Somewhere new", "--lead-perspective", "manager")

    assert Organisation.objects.filter(name="Somewhere new").exists() is False
