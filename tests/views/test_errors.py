"""The error pages a person sees: the site's 404, 403 and 500, plain and without details."""

import pytest
from django.urls import reverse

from tests.helpers import page_heading
from tests.urls_with_error import FAILURE_DETAIL


def test_unknown_page_shows_site_404(client_for, world):
    response = client_for(world.lead).get("/no-such-page/")

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_other_organisation_object_shows_site_404(client_for, world, other_world):
    response = client_for(world.lead).get(
        reverse("workshop_detail", kwargs={"pk": other_world.workshop.pk})
    )

    assert response.status_code == 404
    assert page_heading(response) == "We can't find that page"


def test_forbidden_action_shows_site_403(client_for, world, observer):
    response = client_for(observer).post(reverse("section_delete", kwargs={"pk": world.section.pk}))

    assert response.status_code == 403
    assert page_heading(response) == "You can't do that here"


def test_observer_refusal_page_says_so(client_for, world, observer):
    response = client_for(observer).get(reverse("workshop_edit", kwargs={"pk": world.workshop.pk}))

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert page_heading(response) == "You can't do that here"


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_shows_plain_500_without_details(client_for, world):
    client = client_for(world.lead)
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert page_heading(response) == "Sorry, something went wrong on our side"
    assert "Anything you had already saved is safe." in html
    assert FAILURE_DETAIL not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html


@pytest.mark.urls("tests.urls_with_error")
def test_server_error_for_anonymous_shows_plain_500(client):
    client.raise_request_exception = False

    response = client.get("/test-only/fail/")

    assert response.status_code == 500
    assert page_heading(response) == "Sorry, something went wrong on our side"
