"""Hostile and malformed input to the invitation, member, credit preference, sign-in, password
reset and organisation switch forms: a 4xx (or the form again) with the error beside the field,
never a 500. The cases' shape and the checks are in tests/forms/hostile.py."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.forms.hostile import (
    CONTROL,
    HUGE_BODY,
    HUGE_TITLE,
    REQUIRED,
    Case,
    bad_choice,
    check_hostile_case,
    too_long,
)
from tests.helpers import html_text, table_rows
from workshops.enums import Role
from workshops.models import Membership, User


def _invite_url(w):
    return reverse("member_invite", kwargs={"org_id": w.organisation.pk})


def _member_url(w):
    return reverse("member_edit", kwargs={"org_id": w.organisation.pk, "pk": w.co_trainer.pk})


def _credit_url(w):
    return reverse("credit_preference", kwargs={"org_id": w.organisation.pk})


def _accept_url(w):
    return reverse("invitation_accept", kwargs={"token": w.invitation.token})


def _accept(**changes):
    return {
        "full_name": "Sam Carer",
        "first_name": "Sam",
        "password1": "a-long-and-unusual-password",
        "password2": "a-long-and-unusual-password",
        **changes,
    }


CASES = {
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
        {"email": ["Enter a valid email address.", too_long(254, 10_012)]},
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
    "invite-huge-job-title": Case(
        _invite_url,
        lambda w: {
            "email": "a@example.org",
            "role": "staff",
            "perspective": "professional",
            "job_title": HUGE_TITLE,
        },
        400,
        {"job_title": [too_long(120, 10_000)]},
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


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_hostile_input_answered_without_500(world, name):
    check_hostile_case(world, CASES[name])


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


# Job titles: from the invite form to the People page


def test_invite_job_title_shown_on_people_page_once_they_join(client_for, world, client):
    lead = client_for(world.lead)
    response = lead.post(
        reverse("member_invite", kwargs={"org_id": world.organisation.pk}),
        {
            "email": "priya@example.org",
            "role": "staff",
            "perspective": "professional",
            "job_title": "  Family liaison officer ",
        },
    )
    assert response.status_code == 302
    invitation = world.organisation.invitations.get(email="priya@example.org")
    assert (invitation.role, invitation.job_title) == (Role.STAFF, "Family liaison officer")
    people = reverse("member_list", kwargs={"org_id": world.organisation.pk})
    pending = html_text(lead.get(people).content.decode())
    assert (
        "priya@example.org — Staff member (Family liaison officer), "
        "Professional (learned experience)" in pending
    )

    client.post(reverse("invitation_accept", kwargs={"token": invitation.token}), _accept())

    rows = table_rows(lead.get(people))
    joined = [row for row in rows if row[0].startswith("Sam Carer")]
    assert [row[:2] for row in joined] == [["Sam Carer Family liaison officer", "Staff member"]]


@pytest.mark.parametrize(
    "typed, kept", [("  Peer support worker ", "Peer support worker"), ("", "")]
)
def test_member_form_saves_the_job_title_as_typed(client_for, world, typed, kept):
    Membership.objects.filter(pk=world.co_trainer.pk).update(job_title="Parent carer trainer")

    response = client_for(world.lead).post(
        reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}),
        {"role": "staff", "perspective": "family_carer", "job_title": typed},
    )

    assert response.status_code == 302
    member = Membership.objects.get(pk=world.co_trainer.pk)
    assert (member.role, member.job_title) == (Role.STAFF, kept)
