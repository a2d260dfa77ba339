"""Signing in, the message after a redirect (the GOV.UK notification banner), the page header
and the glossary, through the views."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory
from tests.helpers import page_heading

pytestmark = pytest.mark.django_db

BANNER = re.compile(
    r'<div class="notification-banner notification-banner-(?P<kind>\w+)" role="(?P<role>\w+)" '
    r'aria-labelledby="message-title-1" tabindex="-1" data-focus-on-load>\s*'
    r'<h2 class="notification-banner-title" id="message-title-1">(?P<heading>[^<]*)</h2>\s*'
    r'<p class="notification-banner-text">(?P<text>[^<]*)</p>'
)
GLOSSARY_WORDS = [
    "Co-trainer",
    "Family carer",
    "Professional",
    "Lived and learned experience",
    "Workshop",
    "Module",
    "Section",
    "Review round",
    "Sign-off",
    "Agreed",
    "Pack",
    "Contribution log",
]


def _banners(response):
    return [match.groupdict() for match in BANNER.finditer(response.content.decode())]


def test_sign_in_says_welcome_back_in_a_status_banner_that_takes_the_focus(client, world):
    user = world.co_trainer.user

    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[0][1] == 302
    assert _banners(response) == [
        {
            "kind": "success",
            "role": "status",
            "heading": "Success",
            "text": f"Welcome, {user.get_short_name()}.",
        }
    ]


def test_sign_in_refused_shows_no_banner(client, world):
    response = client.post(
        reverse("login"), {"username": world.lead.user.email, "password": "not the password"}
    )

    assert response.status_code == 200
    assert _banners(response) == []


def test_refusal_message_is_an_alert_banner(client_for, world):
    url = reverse("member_remove", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})

    response = client_for(world.lead).post(url, follow=True)

    (banner,) = _banners(response)
    assert (banner["kind"], banner["role"], banner["heading"]) == (
        "error",
        "alert",
        "There is a problem",
    )


def test_header_menu_holds_the_organisation_links_and_sign_out(client_for, world):
    response = client_for(world.lead).get(
        reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    )

    html = response.content.decode()
    menu = html[html.index("<details") : html.index("</details>")]
    assert re.findall(r'<a class="site-link" href="([^"]+)"', menu) == [
        reverse("workshop_list", kwargs={"org_id": world.organisation.pk}),
        reverse("member_list", kwargs={"org_id": world.organisation.pk}),
        reverse("time_records", kwargs={"org_id": world.organisation.pk}),
        reverse("contribution_log", kwargs={"org_id": world.organisation.pk}),
        reverse("notification_preferences"),
        reverse("sign_in_security"),
    ]
    assert '<summary class="site-menu-button">Menu</summary>' in menu
    assert ">Sign out</button>" in menu


def test_header_menu_on_an_account_page_leads_to_the_organisation_last_used(
    client_for, world, make_world
):
    elsewhere = make_world()
    MembershipFactory(user=world.co_trainer.user, organisation=elsewhere.organisation)
    client = client_for(world.co_trainer)
    client.get(reverse("workshop_list", kwargs={"org_id": elsewhere.organisation.pk}))

    html = client.get(reverse("sign_in_security")).content.decode()

    menu = html[html.index("<details") : html.index("</details>")]
    links = re.findall(r'<a class="site-link" href="([^"]+)"', menu)
    assert links[:3] == [
        reverse("workshop_list", kwargs={"org_id": elsewhere.organisation.pk}),
        reverse("member_list", kwargs={"org_id": elsewhere.organisation.pk}),
        reverse("time_records", kwargs={"org_id": elsewhere.organisation.pk}),
    ]
    assert f'<option value="{elsewhere.organisation.pk}" selected>' in menu
    lead_page = client_for(world.lead).get(reverse("sign_in_security")).content.decode()
    log = reverse("contribution_log", kwargs={"org_id": world.organisation.pk})
    assert f'<a class="site-link" href="{log}">' in lead_page


def test_glossary_open_to_anyone_says_what_each_word_means(client):
    response = client.get(reverse("glossary"))

    html = response.content.decode()
    assert response.status_code == 200
    assert page_heading(response) == "What the words mean"
    assert re.findall(r'<dt id="[a-z-]+">([^<]+)</dt>', html) == GLOSSARY_WORDS
    assert len(re.findall(r"<dd>[^<]{40,}</dd>", html)) == len(GLOSSARY_WORDS)


def test_every_page_footer_links_to_the_glossary(client):
    response = client.get(reverse("login"))

    assert f'<a class="footer-link" href="{reverse("glossary")}">What the words mean</a>' in (
        response.content.decode()
    )


def test_favicon_ico_answers_with_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


def test_password_change_is_our_own_page_and_a_wrong_old_password_is_summarised(client_for, world):
    client = client_for(world.co_trainer)
    assert reverse("password_change") in client.get(reverse("sign_in_security")).content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": "a-new-pass-2026", "new_password2": "x"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert page_heading(response) == "Change your password"
    assert 'href="#id_old_password"' in html
    # Django's admin look (its breadcrumbs) never shows on the app's own pages.
    assert "admin/" not in html


def test_password_change_done_leads_home(client_for, world):
    client = client_for(world.co_trainer)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-2026-calm",
            "new_password2": "a-new-pass-2026-calm",
        },
        follow=True,
    )

    assert page_heading(response) == "Your password has been changed"
    world.co_trainer.user.refresh_from_db()
    assert world.co_trainer.user.check_password("a-new-pass-2026-calm")
