"""The operator's page for setting up an organisation: for Django staff users only (404 for
everyone else, as if it were not there), with the invitation link shown once on success."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import test_template_variables
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import field_errors, form_values, html_text, page_heading
from workshops.enums import Perspective, Role
from workshops.models import Invitation, Organisation

pytestmark = pytest.mark.django_db

# Records each variable a template names but is not given (see tests/test_template_variables.py).
missing = test_template_variables.missing

URL = "/operator/organisations/new/"
DATA = {
    "name": "Riverside Family Support",
    "lead_name": "Ruth Okafor",
    "lead_email": "Ruth@Example.org",
    "lead_perspective": "family_carer",
}


@pytest.fixture
def operator(client_for):
    return client_for(UserFactory(is_staff=True))


def test_operator_page_url_is_the_named_one():
    assert reverse("operator_organisation_create") == URL


def test_operator_page_shows_the_form_to_a_staff_user(operator):
    response = operator.get(URL)

    assert response.status_code == 200
    assert page_heading(response) == "Set up a new organisation"
    html = response.content.decode()
    # As a browser would send it: the perspective is not chosen for them.
    assert sorted(form_values(html, "lead_email")) == [
        "csrfmiddlewaretoken",
        "lead_email",
        "lead_name",
        "name",
    ]
    radios = re.findall(r'<input type="radio"[^>]* name="lead_perspective" value="(\w+)"', html)
    assert radios == ["family_carer", "professional"]


def test_operator_page_makes_the_organisation_and_shows_the_link(operator, settings):
    settings.SITE_URL = "https://coprod.example.org"

    response = operator.post(URL, DATA)

    assert response.status_code == 200
    invitation = Invitation.objects.get(organisation__name="Riverside Family Support")
    assert (invitation.email, invitation.full_name, invitation.role, invitation.perspective) == (
        "ruth@example.org",
        "Ruth Okafor",
        Role.LEAD,
        Perspective.FAMILY_CARER,
    )
    html = response.content.decode()
    assert page_heading(response) == "Riverside Family Support is set up"
    link = f"https://coprod.example.org/invitations/{invitation.token}/"
    assert f'<p class="font-monospace text-break" id="invitation-link">{link}</p>' in html
    assert "Give this link to Ruth Okafor (ruth@example.org)." in html_text(html)
    # A fresh form below, for the next organisation.
    assert form_values(html, "lead_email")["name"] == ""


def test_operator_page_link_opens_the_lead_invitation(operator, client):
    operator.post(URL, DATA)
    invitation = Invitation.objects.get(organisation__name="Riverside Family Support")

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    assert page_heading(response) == "Join Riverside Family Support"


def test_operator_page_duplicate_name_comes_back_beside_the_field(operator):
    OrganisationFactory(name="Riverside Family Support")

    response = operator.post(URL, {**DATA, "name": "riverside family support"})

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html) == {
        "name": ["There is already an organisation called “Riverside Family Support”."]
    }
    assert "There is a problem" in html
    assert form_values(html, "lead_email")["lead_name"] == "Ruth Okafor"
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 0


def test_operator_page_empty_form_says_what_is_missing(operator):
    response = operator.post(URL, {})

    assert response.status_code == 400
    assert field_errors(response.content.decode()) == {
        "name": ["This field is required."],
        "lead_name": ["This field is required."],
        "lead_email": ["This field is required."],
        "lead_perspective": ["This field is required."],
    }
    assert Organisation.objects.count() == 0


def test_operator_page_too_long_name_is_refused_by_the_form(operator):
    response = operator.post(URL, {**DATA, "name": "n" * 201})

    assert response.status_code == 400
    assert field_errors(response.content.decode()) == {
        "name": ["Ensure this value has at most 200 characters (it has 201)."]
    }


@pytest.mark.parametrize("role", [Role.LEAD, Role.STAFF])
def test_operator_page_is_not_there_for_a_member_who_is_not_staff(client_for, world, role):
    member = (
        world.lead
        if role == Role.LEAD
        else MembershipFactory(organisation=world.organisation, role=role)
    )
    client = client_for(member)

    assert client.get(URL).status_code == 404
    assert client.post(URL, DATA).status_code == 404
    assert Organisation.objects.filter(name=DATA["name"]).exists() is False


def test_operator_page_is_not_there_for_a_closed_staff_account():
    client = Client()
    user = UserFactory(is_staff=True)
    client.force_login(user)
    user.is_active = False
    user.save()

    # A closed account is signed out on its next request: sent to sign in, not to the page.
    response = client.get(URL)

    assert response.status_code == 302
    assert Organisation.objects.count() == 0


def test_operator_page_asks_someone_signed_out_to_sign_in(client):
    response = client.post(URL, DATA)

    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={URL}")
    assert Organisation.objects.count() == 0


def test_operator_page_refuses_a_post_without_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True))

    response = client.post(URL, DATA)

    assert response.status_code == 403
    assert Organisation.objects.count() == 0


def test_operator_page_names_only_variables_it_has(operator, missing):
    # The template-variables meta-test fetches pages as members, to whom this one is not there.
    statuses = [
        operator.get(URL).status_code,
        operator.post(URL, {}).status_code,
        operator.post(URL, DATA).status_code,
    ]

    assert statuses == [200, 400, 200]
    assert test_template_variables._missing_report(missing) == ""
