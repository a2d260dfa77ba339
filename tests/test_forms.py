"""Hostile and malformed input to every form: a 4xx with the error beside the field, never a 500.

Each case posts as the person the form is for and says the status and the exact errors shown
beside each field (read from the page, as crispy-forms renders them). Control characters are
removed rather than refused (see ``CleanTextMixin``), so they save; a field holding nothing else
counts as empty.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory
from tests.helpers import field_errors, form_values, invalid_fields
from workshops.enums import Role
from workshops.models import ContributionEntry, Membership, Section, User, Workshop

REQUIRED = "This field is required."
HUGE_TITLE = "t" * 10_000
HUGE_BODY = "word " * 139_999 + "word!"  # 700,000 characters, nothing to strip
CONTROL = "\x00\x01\x07\x0b\x1b\x7f"
CONFLICT = "Someone else saved this section"


def too_long(limit, length):
    return f"Ensure this value has at most {limit} characters (it has {length})."


def bad_choice(value):
    return f"Select a valid choice. {value} is not one of the available choices."


@dataclass(frozen=True)
class Case:
    url: Any  # world -> url
    data: Any  # world -> POST data
    status: int
    errors: dict = field(default_factory=dict)  # field -> the errors shown beside it
    who: str = "lead"  # "lead", "co_trainer", or "anonymous"


def _workshop_url(w):
    return reverse("workshop_edit", kwargs={"pk": w.workshop.pk})


def _workshop_new(w):
    return reverse("workshop_create", kwargs={"org_id": w.organisation.pk})


def _module_url(w):
    return reverse("module_edit", kwargs={"pk": w.module.pk})


def _module_new(w):
    return reverse("module_create", kwargs={"pk": w.workshop.pk})


def _section_url(w):
    return reverse("section_edit", kwargs={"pk": w.section.pk})


def _section_new(w):
    return reverse("section_create", kwargs={"pk": w.module.pk})


def _invite_url(w):
    return reverse("member_invite", kwargs={"org_id": w.organisation.pk})


def _member_url(w):
    return reverse("member_edit", kwargs={"org_id": w.organisation.pk, "pk": w.co_trainer.pk})


def _credit_url(w):
    return reverse("credit_preference", kwargs={"org_id": w.organisation.pk})


def _accept_url(w):
    return reverse("invitation_accept", kwargs={"token": w.invitation.token})


def _section(w, **changes):
    return {
        "title": "Heading",
        "kind": "explanation",
        "audience": "everyone",
        "body": "Some words.",
        "based_on_version": w.section.version,
        **changes,
    }


def _module(**changes):
    return {"title": "Module", "learning_outcomes": "", "planned_minutes": "30", **changes}


def _accept(**changes):
    return {
        "full_name": "Sam Carer",
        "first_name": "Sam",
        "password1": "a-long-and-unusual-password",
        "password2": "a-long-and-unusual-password",
        **changes,
    }


CASES = {}
for _name, _url in (("workshop_create", _workshop_new), ("workshop_edit", _workshop_url)):
    CASES |= {
        f"{_name}-empty": Case(_url, lambda w: {}, 400, {"title": [REQUIRED]}),
        f"{_name}-blank-title": Case(_url, lambda w: {"title": "   "}, 400, {"title": [REQUIRED]}),
        f"{_name}-control-only-title": Case(
            _url, lambda w: {"title": CONTROL}, 400, {"title": [REQUIRED]}
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: {"title": HUGE_TITLE}, 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-audience": Case(
            _url,
            lambda w: {"title": "T", "audience": HUGE_TITLE},
            400,
            {"audience": [too_long(300, 10_000)]},
        ),
        f"{_name}-huge-description": Case(
            _url,
            lambda w: {"title": "T", "description": HUGE_BODY},
            400,
            {"description": [too_long(5000, 700_000)]},
        ),
    }

for _name, _url in (("module_create", _module_new), ("module_edit", _module_url)):
    CASES |= {
        f"{_name}-empty": Case(
            _url, lambda w: {}, 400, {"title": [REQUIRED], "planned_minutes": [REQUIRED]}
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: _module(title=HUGE_TITLE), 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-outcomes": Case(
            _url,
            lambda w: _module(learning_outcomes=HUGE_BODY),
            400,
            {"learning_outcomes": [too_long(5000, 700_000)]},
        ),
        f"{_name}-minutes-text": Case(
            _url,
            lambda w: _module(planned_minutes="half an hour"),
            400,
            {"planned_minutes": ["Enter a whole number."]},
        ),
        f"{_name}-minutes-float": Case(
            _url,
            lambda w: _module(planned_minutes="1e3"),
            400,
            {"planned_minutes": ["Enter a whole number."]},
        ),
        f"{_name}-minutes-negative": Case(
            _url,
            lambda w: _module(planned_minutes="-5"),
            400,
            {"planned_minutes": ["Ensure this value is greater than or equal to 0."]},
        ),
        f"{_name}-minutes-huge": Case(
            _url,
            lambda w: _module(planned_minutes="9" * 30),
            400,
            {"planned_minutes": ["Ensure this value is less than or equal to 600."]},
        ),
        f"{_name}-minutes-nul": Case(
            _url,
            lambda w: _module(planned_minutes="\x00"),
            400,
            {"planned_minutes": [REQUIRED]},
        ),
    }

for _name, _url in (("section_create", _section_new), ("section_edit", _section_url)):
    CASES |= {
        f"{_name}-empty": Case(
            _url,
            lambda w: {},
            400,
            {"title": [REQUIRED], "kind": [REQUIRED], "audience": [REQUIRED]},
        ),
        f"{_name}-huge-body": Case(
            _url,
            lambda w: _section(w, body=HUGE_BODY),
            400,
            {"body": [too_long(600_000, 700_000)]},
        ),
        f"{_name}-huge-body-preview": Case(
            _url,
            lambda w: _section(w, body=HUGE_BODY, preview=""),
            400,
            {"body": [too_long(600_000, 700_000)]},
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: _section(w, title=HUGE_TITLE), 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-content-note": Case(
            _url,
            lambda w: _section(w, content_note=HUGE_TITLE),
            400,
            {"content_note": [too_long(300, 10_000)]},
        ),
        f"{_name}-unknown-kind": Case(
            _url, lambda w: _section(w, kind="poem"), 400, {"kind": [bad_choice("poem")]}
        ),
        f"{_name}-unknown-audience": Case(
            _url, lambda w: _section(w, audience="all"), 400, {"audience": [bad_choice("all")]}
        ),
        f"{_name}-unknown-source": Case(
            _url,
            lambda w: _section(w, source_tags=["research_evidence", "gossip"]),
            400,
            {"source_tags": [bad_choice("gossip")]},
        ),
    }

CASES |= {
    # based_on_version is a hidden field: its error is in the form, with the general alert.
    "section_edit-version-text": Case(
        _section_url, lambda w: _section(w, based_on_version="latest"), 409
    ),
    "section_edit-version-zero": Case(
        _section_url, lambda w: _section(w, based_on_version="0"), 409
    ),
    "section_edit-version-negative": Case(
        _section_url, lambda w: _section(w, based_on_version="-1"), 409
    ),
    "section_edit-version-huge": Case(
        _section_url, lambda w: _section(w, based_on_version="9" * 30), 409
    ),
    "section_edit-version-list": Case(
        _section_url, lambda w: _section(w, based_on_version=["1", "x"]), 409
    ),
    "section-edit-nonexistent": Case(
        lambda w: reverse("section_edit", kwargs={"pk": 999_999_999}), lambda w: _section(w), 404
    ),
    "section-edit-huge-id": Case(
        lambda w: f"/sections/{'9' * 30}/edit/", lambda w: _section(w), 404
    ),
    "module-edit-nonexistent": Case(
        lambda w: reverse("module_edit", kwargs={"pk": 999_999_999}), lambda w: _module(), 404
    ),
    "workshop-edit-nonexistent": Case(
        lambda w: reverse("workshop_edit", kwargs={"pk": 999_999_999}),
        lambda w: {"title": "x"},
        404,
    ),
    "workshop-create-nonexistent-org": Case(
        lambda w: reverse("workshop_create", kwargs={"org_id": 999_999_999}),
        lambda w: {"title": "x"},
        404,
    ),
    # Invitations
    "invite-empty": Case(
        _invite_url,
        lambda w: {},
        400,
        {"email": [REQUIRED], "role": [REQUIRED], "perspective": [REQUIRED]},
    ),
    "invite-bad-email": Case(
        _invite_url,
        lambda w: {"email": "not an email", "role": "co_trainer", "perspective": "family_carer"},
        400,
        {"email": ["Enter a valid email address."]},
    ),
    "invite-huge-email": Case(
        _invite_url,
        lambda w: {
            "email": "a" * 10_000 + "@example.org",
            "role": "co_trainer",
            "perspective": "family_carer",
        },
        400,
        {"email": ["Enter a valid email address.", too_long(320, 10_012)]},
    ),
    "invite-unknown-role": Case(
        _invite_url,
        lambda w: {"email": "a@example.org", "role": "king", "perspective": "family_carer"},
        400,
        {"role": [bad_choice("king")]},
    ),
    "invite-unknown-perspective": Case(
        _invite_url,
        lambda w: {"email": "a@example.org", "role": "observer", "perspective": "robot"},
        400,
        {"perspective": [bad_choice("robot")]},
    ),
    "invite-existing-member": Case(
        _invite_url,
        lambda w: {
            "email": w.co_trainer.user.email.upper(),
            "role": "observer",
            "perspective": "family_carer",
        },
        400,
        {"email": ["This person is already a member."]},
    ),
    # Member edit
    "member_edit-empty": Case(
        _member_url, lambda w: {}, 400, {"role": [REQUIRED], "perspective": [REQUIRED]}
    ),
    "member_edit-unknown-role": Case(
        _member_url,
        lambda w: {"role": "owner", "perspective": "professional"},
        400,
        {"role": [bad_choice("owner")]},
    ),
    "member_edit-nonexistent": Case(
        lambda w: reverse("member_edit", kwargs={"org_id": w.organisation.pk, "pk": 999_999_999}),
        lambda w: {"role": "observer", "perspective": "professional"},
        404,
    ),
    "member_remove-nonexistent": Case(
        lambda w: reverse("member_remove", kwargs={"org_id": w.organisation.pk, "pk": 999_999_999}),
        lambda w: {},
        404,
    ),
    # Credit preference (anyone's own)
    "credit-empty": Case(
        _credit_url, lambda w: {}, 400, {"credit_preference": [REQUIRED]}, who="co_trainer"
    ),
    "credit-unknown": Case(
        _credit_url,
        lambda w: {"credit_preference": "famous"},
        400,
        {"credit_preference": [bad_choice("famous")]},
        who="co_trainer",
    ),
    # Move
    "module_move-nonexistent": Case(
        lambda w: reverse("module_move", kwargs={"pk": 999_999_999}),
        lambda w: {"direction": "up"},
        404,
    ),
    "section_move-nonexistent": Case(
        lambda w: reverse("section_move", kwargs={"pk": 999_999_999}),
        lambda w: {"direction": "up"},
        404,
    ),
    # Invitation accept (a person with no account yet)
    "accept-empty": Case(
        _accept_url,
        lambda w: {},
        400,
        {
            "full_name": [REQUIRED],
            "first_name": [REQUIRED],
            "password1": [REQUIRED],
            "password2": [REQUIRED],
        },
        who="anonymous",
    ),
    "accept-different-passwords": Case(
        _accept_url,
        lambda w: _accept(password2="another-long-password"),
        400,
        {"password2": ["The two passwords are different."]},
        who="anonymous",
    ),
    "accept-weak-password": Case(
        _accept_url,
        lambda w: _accept(password1="1234", password2="1234"),
        400,
        {
            "password1": [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ]
        },
        who="anonymous",
    ),
    "accept-huge-name": Case(
        _accept_url,
        lambda w: _accept(full_name=HUGE_TITLE, first_name=HUGE_TITLE),
        400,
        {"full_name": [too_long(150, 10_000)], "first_name": [too_long(75, 10_000)]},
        who="anonymous",
    ),
    "accept-control-only-name": Case(
        _accept_url,
        lambda w: _accept(full_name=CONTROL),
        400,
        {"full_name": [REQUIRED]},
        who="anonymous",
    ),
    "accept-unknown-token": Case(
        lambda w: reverse("invitation_accept", kwargs={"token": "no-such-token"}),
        lambda w: _accept(),
        404,
        who="anonymous",
    ),
    "accept-huge-token": Case(
        lambda w: f"/invitations/{'x' * 10_000}/", lambda w: _accept(), 404, who="anonymous"
    ),
    "accept-nul-token": Case(
        lambda w: "/invitations/%00/", lambda w: _accept(), 404, who="anonymous"
    ),
    "accept-token-with-slash-and-dots": Case(
        lambda w: "/invitations/..%2F..%2Fetc/", lambda w: _accept(), 404, who="anonymous"
    ),
    # Sign in (Django's LoginView answers 200 with the form again)
    "login-empty": Case(
        lambda w: reverse("login"),
        lambda w: {},
        200,
        {"username": [REQUIRED], "password": [REQUIRED]},
        who="anonymous",
    ),
    "login-nul": Case(
        lambda w: reverse("login"),
        lambda w: {"username": "a\x00@example.org", "password": "x\x00"},
        200,
        {
            "username": ["Null characters are not allowed."],
            "password": ["Null characters are not allowed."],
        },
        who="anonymous",
    ),
    "login-huge": Case(
        lambda w: reverse("login"),
        lambda w: {"username": HUGE_TITLE, "password": HUGE_BODY},
        200,
        {},  # AuthenticationForm sets max_length too late for a validator: a failed sign-in
        who="anonymous",
    ),
    "password-reset-nul": Case(
        lambda w: reverse("password_reset"),
        lambda w: {"email": "a\x00@example.org"},
        200,
        {"email": ["Enter a valid email address.", "Null characters are not allowed."]},
        who="anonymous",
    ),
    # Switching organisation
    "switch-text-id": Case(
        lambda w: reverse("organisation_switch"), lambda w: {"org_id": "abc"}, 404
    ),
    "switch-nul-id": Case(
        lambda w: reverse("organisation_switch"), lambda w: {"org_id": "\x00"}, 404
    ),
    "switch-huge-id": Case(
        lambda w: reverse("organisation_switch"), lambda w: {"org_id": "9" * 30}, 404
    ),
    "switch-missing-id": Case(lambda w: reverse("organisation_switch"), lambda w: {}, 404),
}


def _client(world, who):
    client = Client()
    client.raise_request_exception = False
    if who != "anonymous":
        client.force_login(getattr(world, who).user)
    return client


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_hostile_input_answered_without_500(world, name):
    case = CASES[name]
    client = _client(world, case.who)
    log_before = ContributionEntry.objects.count()
    data = case.data(world)

    response = client.post(case.url(world), data)

    assert response.status_code < 500
    assert response.status_code == case.status
    if case.status in (200, 400):
        html = response.content.decode()
        assert field_errors(html) == case.errors
        # Each field in error is marked invalid for styling and assistive technology.
        assert invalid_fields(html) == set(case.errors)
    if case.status == 409:
        # The conflict page, with the person's text still in the box.
        html = response.content.decode()
        assert CONFLICT in html
        assert form_values(html, "body")["body"] == data["body"]
    if case.status != 302:
        assert ContributionEntry.objects.count() == log_before


def test_section_edit_garbled_version_is_a_conflict_that_keeps_the_text(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        _section(world, based_on_version="latest"),
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html
    assert form_values(html, "body")["body"] == "Some words."
    # The person's text is still in the box, now based on the saved version, and nothing changed.
    assert response.context["form"]["body"].value() == "Some words."
    assert response.context["form"]["based_on_version"].value() == str(world.section.version)
    assert Section.objects.get(pk=world.section.pk).version == world.section.version


def test_section_edit_huge_body_keeps_text_in_form(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}), _section(world, body=HUGE_BODY)
    )

    assert response.status_code == 400
    assert response.context["form"]["body"].value() == HUGE_BODY
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_section_edit_control_characters_removed_and_saved(client_for, world):
    response = client_for(world.co_trainer).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        _section(world, title=f"Calm{CONTROL} down", body="Pasted\x00 from\x0c Word\ttext\r\nend"),
    )

    assert response.status_code == 302
    section = Section.objects.get(pk=world.section.pk)
    assert (section.title, section.body) == ("Calm down", "Pasted from Word\ttext\r\nend")


def test_section_create_nul_in_body_saved_without_it(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_create", kwargs={"pk": world.module.pk}),
        _section(world, title="New", body="a\x00b"),
    )

    assert response.status_code == 302
    assert Section.objects.get(module=world.module, title="New").body == "ab"


def test_workshop_create_control_characters_removed(client_for, world):
    response = client_for(world.lead).post(
        reverse("workshop_create", kwargs={"org_id": world.organisation.pk}),
        {"title": f"Understanding{CONTROL} behaviour", "description": "x\x00y"},
    )

    assert response.status_code == 302
    workshop = Workshop.objects.get(title="Understanding behaviour")
    assert workshop.description == "xy"


def test_module_move_unknown_direction_changes_nothing(client_for, world):
    # The move buttons send "up" or "down"; anything else is ignored and the page reloads.
    second = ModuleFactory(workshop=world.workshop, actor=world.lead)
    client = client_for(world.lead)
    log_before = ContributionEntry.objects.count()

    response = client.post(
        reverse("module_move", kwargs={"pk": second.pk}), {"direction": "sideways"}
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.position == 1
    assert ContributionEntry.objects.count() == log_before


def _section_order(module):
    """[(pk, position)] of all the module's sections (deleted ones too), in order."""
    return list(
        Section.objects.filter(module=module)
        .order_by("position", "pk")
        .values_list("pk", "position")
    )


def test_section_move_missing_direction_changes_nothing(client_for, world):
    # Two more live sections, so the one moved has a neighbour on each side: a move either way
    # would show in the order.
    middle = SectionFactory(module=world.module, actor=world.lead)
    SectionFactory(module=world.module, actor=world.lead)
    order_before = _section_order(world.module)
    client = client_for(world.lead)
    log_before = ContributionEntry.objects.count()

    response = client.post(reverse("section_move", kwargs={"pk": middle.pk}), {})

    assert response.status_code == 302
    assert _section_order(world.module) == order_before
    assert ContributionEntry.objects.count() == log_before


def test_markdown_preview_huge_body_renders_nothing(client_for, world):
    response = client_for(world.lead).post(reverse("markdown_preview"), {"body": HUGE_BODY})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_markdown_preview_control_characters_removed(client_for, world):
    response = client_for(world.lead).post(reverse("markdown_preview"), {"body": "**a\x00b**"})

    assert response.status_code == 200
    assert response.content.decode().strip() == "<p><strong>ab</strong></p>"


def test_markdown_preview_get_not_allowed(client_for, world):
    assert client_for(world.lead).get(reverse("markdown_preview")).status_code == 405


def test_invitation_accept_name_with_nul_saved_without_it(client, world):
    response = client.post(
        reverse("invitation_accept", kwargs={"token": world.invitation.token}),
        _accept(full_name="Sam\x00 Carer", first_name="Sam\x1b"),
    )

    assert response.status_code == 302
    user = User.objects.get(email=world.invitation.email)
    assert (user.full_name, user.first_name) == ("Sam Carer", "Sam")


def test_invite_email_with_control_characters_invites_clean_address(
    client_for, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(world.lead).post(
            reverse("member_invite", kwargs={"org_id": world.organisation.pk}),
            {"email": "new\x00@example.org", "role": "observer", "perspective": "professional"},
        )

    assert response.status_code == 302
    assert world.organisation.invitations.filter(email="new@example.org").count() == 1


def test_member_edit_wrong_type_for_checkbox_treated_as_ticked(client_for, world):
    response = client_for(world.lead).post(
        reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}),
        {"role": "observer", "perspective": "professional", "is_external": ["yes", "no"]},
    )

    assert response.status_code == 302
    member = Membership.objects.get(pk=world.co_trainer.pk)
    assert (member.role, member.perspective) == (Role.OBSERVER, "professional")
    assert member.is_external is True


@pytest.mark.parametrize(
    "url",
    [
        "/workshops/99999999999999999999/",
        "/modules/99999999999999999999/",
        "/o/99999999999999999999/",
        "/o/99999999999999999999/members/",
        "/sections/99999999999999999999/history/",
    ],
)
def test_huge_id_in_url_not_found(client_for, world, url):
    client = client_for(world.lead)
    client.raise_request_exception = False

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["old=abc&new=1", "old=1&new=99999999999999999999", "old=%00&new=1", "old=&new="],
)
def test_section_compare_bad_versions_answer_400(client_for, world, query):
    client = client_for(world.lead)
    client.raise_request_exception = False
    url = reverse("section_compare", kwargs={"pk": world.section.pk})

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "person=abc&module=xyz&date_from=yesterday&action=%00",
        "person=99999999999999999999&page=99999999999999999999",
        "date_from=2025-02-30&date_to=0000-01-01",
    ],
)
def test_contribution_log_bad_filters_answer_without_500(client_for, world, query):
    client = client_for(world.lead)
    client.raise_request_exception = False
    url = reverse("contribution_log", kwargs={"org_id": world.organisation.pk})

    response = client.get(f"{url}?{query}")

    assert response.status_code == 200


def test_section_restore_bad_version_field_restores_nothing(client_for, world):
    client = client_for(world.lead)
    url = reverse("section_restore", kwargs={"pk": world.section.pk, "version": 1})

    response = client.post(url, {"based_on_version": "\x00"})

    assert response.status_code == 302
    assert Section.objects.get(pk=world.section.pk).version == 1


def test_login_wrong_password_shows_plain_message(client, world):
    response = client.post(
        reverse("login"), {"username": world.lead.user.email, "password": "not-the-password"}
    )

    assert response.status_code == 200
    assert "That email address and password don't match. Please try again." in (
        response.content.decode()
    )


def test_observer_credit_preference_nonexistent_org_not_found(client_for, world):
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    response = client_for(observer).post(
        reverse("credit_preference", kwargs={"org_id": 999_999_999}),
        {"credit_preference": "anonymous"},
    )

    assert response.status_code == 404
