"""Inviting, joining, changing roles, removing members, who may manage them, resetting a
password, and query counts."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory
from tests.helpers import (
    field_errors,
    form_values,
    make_people,
    make_team,
    page_heading,
    query_count,
    sign_in,
)
from workshops.enums import Action, CreditPreference, Perspective, Role
from workshops.models import ContributionEntry, Invitation, Membership, SectionRevision, User

MANY = 20

LAST_LEAD = "Every organisation needs at least one lead. Make someone else a lead first."


def _invite(client, organisation, **data):
    return client.post(
        reverse("member_invite", kwargs={"org_id": organisation.pk}),
        {"email": "jo.parent@example.org", "role": "co_trainer", "perspective": "family_carer"}
        | data,
    )


def _messages(response):
    return [str(message) for message in response.context["messages"]]


# Inviting
def test_invite_sends_email_with_link_after_commit(
    client_for, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _invite(client_for(world.lead), world.organisation)

    assert response.status_code == 302
    assert response.url == reverse("member_list", kwargs={"org_id": world.organisation.pk})
    assert len(callbacks) == 1
    invitation = Invitation.objects.get(email="jo.parent@example.org")
    assert (invitation.role, invitation.perspective, invitation.invited_by) == (
        Role.CO_TRAINER,
        Perspective.FAMILY_CARER,
        world.lead,
    )
    assert [message.to for message in mailoutbox] == [["jo.parent@example.org"]]
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": invitation.token})
    assert re.findall(r"https?://\S+", mailoutbox[0].body) == [link]
    assert mailoutbox[0].subject == (
        f"You are invited to co-produce workshops with {world.organisation.name}"
    )


def test_invite_sends_nothing_before_commit(
    client_for, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(client_for(world.lead), world.organisation)

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_invite_logs_one_entry(client_for, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(world.lead), world.organisation)

    entry = ContributionEntry.objects.filter(organisation=world.organisation).latest("pk")
    assert (entry.action, entry.membership_id, entry.target_type) == (
        Action.MEMBER_INVITE,
        world.lead.pk,
        "invitation",
    )


def test_invite_existing_member_refused_and_nothing_sent(
    client_for, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client_for(world.lead), world.organisation, email=world.co_trainer.user.email
        )

    assert response.status_code == 400
    assert mailoutbox == []
    assert Invitation.objects.filter(email=world.co_trainer.user.email).count() == 0


# Accepting
def test_accept_as_new_person_creates_account_membership_and_signs_in(client, world):
    invitation = InvitationFactory(
        organisation=world.organisation,
        invited_by=world.lead,
        email="sam@example.org",
        role=Role.OBSERVER,
        perspective=Perspective.PROFESSIONAL,
        is_external=True,
    )
    url = reverse("invitation_accept", kwargs={"token": invitation.token})
    form = form_values(client.get(url).content.decode(), "full_name")

    response = client.post(
        url,
        form
        | {
            "full_name": "Sam Practitioner",
            "first_name": "Sam",
            "password1": "a-long-and-unusual-password",
            "password2": "a-long-and-unusual-password",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    user = User.objects.get(email="sam@example.org")
    assert (user.full_name, user.first_name) == ("Sam Practitioner", "Sam")
    assert user.check_password("a-long-and-unusual-password")
    membership = Membership.objects.get(user=user)
    assert (
        membership.organisation,
        membership.role,
        membership.perspective,
        membership.is_external,
    ) == (world.organisation, Role.OBSERVER, Perspective.PROFESSIONAL, True)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get(response.url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    entry = ContributionEntry.objects.filter(organisation=world.organisation).latest("pk")
    assert (entry.action, entry.membership_id) == (Action.MEMBER_JOIN, membership.pk)


def test_accept_signed_in_as_invited_person_joins(client_for, world, other_world):
    user = other_world.lead.user
    invitation = InvitationFactory(
        organisation=world.organisation, invited_by=world.lead, email=user.email
    )

    response = client_for(user).post(
        reverse("invitation_accept", kwargs={"token": invitation.token})
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=user, organisation=world.organisation).role == (
        Role.CO_TRAINER
    )


def test_accept_existing_account_not_signed_in_asks_to_sign_in(client, world, other_world):
    user = other_world.lead.user
    invitation = InvitationFactory(
        organisation=world.organisation, invited_by=world.lead, email=user.email
    )
    url = reverse("invitation_accept", kwargs={"token": invitation.token})

    response = client.post(url, {"full_name": "Someone", "first_name": "S"})

    assert response.status_code == 200
    assert response.context["existing_account"] is True
    assert Membership.objects.filter(user=user, organisation=world.organisation).count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_accept_expired_invitation_gets_410(client, world, method):
    Invitation.objects.filter(pk=world.invitation.pk).update(
        created_at=timezone.now() - timedelta(days=settings.INVITATION_VALID_DAYS)
    )
    url = reverse("invitation_accept", kwargs={"token": world.invitation.token})

    response = getattr(client, method)(url)

    assert response.status_code == 410
    assert page_heading(response) == "This invitation can't be used any more"
    assert User.objects.filter(email=world.invitation.email).count() == 0


def test_accept_invitation_one_day_before_expiry_still_works(client, world):
    Invitation.objects.filter(pk=world.invitation.pk).update(
        created_at=timezone.now() - timedelta(days=settings.INVITATION_VALID_DAYS - 1)
    )

    url = reverse("invitation_accept", kwargs={"token": world.invitation.token})
    response = client.get(url)

    assert response.status_code == 200
    form = form_values(response.content.decode(), "full_name")
    accepted = client.post(
        url,
        form
        | {
            "full_name": "Jo Parent",
            "first_name": "Jo",
            "password1": "a-long-and-unusual-password",
            "password2": "a-long-and-unusual-password",
        },
    )
    assert accepted.status_code == 302
    user = User.objects.get(email=world.invitation.email)
    assert Membership.objects.filter(user=user, organisation=world.organisation).count() == 1
    world.invitation.refresh_from_db()
    assert world.invitation.accepted_at is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_accept_used_invitation_gets_410(client, world, method):
    Invitation.objects.filter(pk=world.invitation.pk).update(accepted_at=timezone.now())
    url = reverse("invitation_accept", kwargs={"token": world.invitation.token})

    response = getattr(client, method)(url)

    assert response.status_code == 410
    assert page_heading(response) == "This invitation can't be used any more"


def test_accept_twice_second_time_gets_410(client, world):
    url = reverse("invitation_accept", kwargs={"token": world.invitation.token})
    data = {
        "full_name": "Jo",
        "first_name": "Jo",
        "password1": "a-long-and-unusual-password",
        "password2": "a-long-and-unusual-password",
    }
    assert client.post(url, data).status_code == 302
    client.logout()

    assert client.post(url, data).status_code == 410
    assert User.objects.filter(email=world.invitation.email).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_accept_signed_in_as_someone_else_shows_wrong_account(client_for, world, method):
    someone_else = UserFactory()
    url = reverse("invitation_accept", kwargs={"token": world.invitation.token})

    response = getattr(client_for(someone_else), method)(url)

    assert response.status_code == 403
    assert page_heading(response) == "This invitation is for someone else"
    assert response.templates[0].name == "registration/invitation_wrong_account.html"
    sentence = re.search(r'<p class="lead">(.*?)</p>', response.content.decode()).group(1)
    assert sentence == (
        f"It was sent to {world.invitation.email}, but you are signed in as "
        f"{someone_else.email}. Sign out, then open the link again."
    )
    assert Membership.objects.filter(user=someone_else).count() == 0
    world.invitation.refresh_from_db()
    assert world.invitation.accepted_at is None


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("member_invite", "Send the invitation"),
        ("member_edit", "Save their role"),
        ("credit_preference", "Save how I am credited"),
    ],
)
def test_members_form_button_says_what_it_does(client_for, world, name, label):
    kwargs = {"org_id": world.organisation.pk}
    if name == "member_edit":
        kwargs["pk"] = world.co_trainer.pk

    response = client_for(world.lead).get(reverse(name, kwargs=kwargs))

    buttons = re.findall(
        r'<button type="submit" class="btn btn-primary">(.*?)</button>', response.content.decode()
    )
    assert buttons == [label]


# Changing roles
def test_lead_changes_role_and_perspective(client_for, world):
    url = reverse(
        "member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
    )

    response = client_for(world.lead).post(
        url, {"role": "observer", "perspective": "professional", "is_external": "on"}
    )

    assert response.status_code == 302
    member = Membership.objects.get(pk=world.co_trainer.pk)
    assert (member.role, member.perspective, member.is_external) == (
        Role.OBSERVER,
        Perspective.PROFESSIONAL,
        True,
    )
    entry = ContributionEntry.objects.filter(organisation=world.organisation).latest("pk")
    assert (entry.action, entry.membership_id, entry.target_id) == (
        Action.MEMBER_CHANGE,
        world.lead.pk,
        world.co_trainer.pk,
    )


def test_member_edit_form_shows_current_values(client_for, world):
    url = reverse(
        "member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
    )

    values = form_values(client_for(world.lead).get(url).content.decode(), "role")

    assert (values["role"], values["perspective"]) == ("co_trainer", "family_carer")


def test_last_lead_cannot_be_demoted(client_for, world):
    url = reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})
    log_before = ContributionEntry.objects.count()

    response = client_for(world.lead).post(
        url, {"role": "co_trainer", "perspective": "professional"}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [LAST_LEAD]
    assert LAST_LEAD in response.content.decode()
    assert Membership.objects.get(pk=world.lead.pk).role == Role.LEAD
    assert ContributionEntry.objects.count() == log_before


def test_lead_can_be_demoted_when_another_lead_exists(client_for, world):
    MembershipFactory(organisation=world.organisation, role=Role.LEAD)
    url = reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})

    response = client_for(world.lead).post(
        url, {"role": "co_trainer", "perspective": "professional"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(pk=world.lead.pk).role == Role.CO_TRAINER


def test_removed_lead_does_not_count_as_remaining_lead(client_for, world):
    other_lead = MembershipFactory(organisation=world.organisation, role=Role.LEAD)
    Membership.objects.filter(pk=other_lead.pk).update(removed_at=timezone.now())
    url = reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})

    response = client_for(world.lead).post(url, {"role": "observer", "perspective": "professional"})

    assert response.status_code == 400
    assert Membership.objects.get(pk=world.lead.pk).role == Role.LEAD


# Removing
def test_lead_removes_member_whose_work_stays_credited(client_for, world):
    member = world.co_trainer
    revisions = list(SectionRevision.objects.filter(author=member).values_list("pk", flat=True))
    entries = list(ContributionEntry.objects.filter(membership=member).values_list("pk", flat=True))
    assert revisions != [] and entries != []
    url = reverse("member_remove", kwargs={"org_id": world.organisation.pk, "pk": member.pk})

    response = client_for(world.lead).post(url)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None
    assert (
        list(SectionRevision.objects.filter(author=member).values_list("pk", flat=True))
        == revisions
    )
    assert ContributionEntry.objects.filter(membership=member, pk__in=entries).count() == len(
        entries
    )
    entry = ContributionEntry.objects.filter(organisation=world.organisation).latest("pk")
    assert (entry.action, entry.membership_id, entry.target_id) == (
        Action.MEMBER_REMOVE,
        world.lead.pk,
        member.pk,
    )


def test_removed_member_gets_404_on_organisation_pages(client_for, world):
    client = client_for(world.co_trainer)
    urls = [
        reverse("workshop_list", kwargs={"org_id": world.organisation.pk}),
        reverse("workshop_detail", kwargs={"pk": world.workshop.pk}),
        reverse("module_detail", kwargs={"pk": world.module.pk}),
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        reverse("member_list", kwargs={"org_id": world.organisation.pk}),
    ]
    assert [client.get(url).status_code for url in urls] == [200] * 5

    client_for(world.lead).post(
        reverse(
            "member_remove", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
        )
    )

    assert [client.get(url).status_code for url in urls] == [404] * 5


def test_removed_member_no_longer_listed(client_for, world):
    client = client_for(world.lead)
    client.post(
        reverse(
            "member_remove", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
        )
    )

    response = client.get(reverse("member_list", kwargs={"org_id": world.organisation.pk}))

    assert [m.pk for m in response.context["members"]] == [world.lead.pk]


def test_last_lead_cannot_be_removed(client_for, world):
    url = reverse("member_remove", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})
    log_before = ContributionEntry.objects.count()

    response = client_for(world.lead).post(url, follow=True)

    assert response.status_code == 200
    assert _messages(response) == [LAST_LEAD]
    assert Membership.objects.get(pk=world.lead.pk).removed_at is None
    assert ContributionEntry.objects.count() == log_before


def test_removed_then_reinvited_member_gets_old_membership_back(client_for, client, world):
    member = world.co_trainer
    client_for(world.lead).post(
        reverse("member_remove", kwargs={"org_id": world.organisation.pk, "pk": member.pk})
    )
    invitation = InvitationFactory(
        organisation=world.organisation,
        invited_by=world.lead,
        email=member.user.email,
        role=Role.OBSERVER,
    )

    response = client_for(member).post(
        reverse("invitation_accept", kwargs={"token": invitation.token})
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.removed_at, member.role) == (None, Role.OBSERVER)
    assert Membership.objects.filter(user=member.user).count() == 1


# Password reset
def test_password_reset_email_link_sets_new_password(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    user = world.co_trainer.user

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert [message.to for message in mailoutbox] == [[user.email]]
    links = re.findall(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body)
    assert len(links) == 1
    confirm = client.get(links[0], follow=True)
    assert confirm.status_code == 200
    assert confirm.context["validlink"] is True
    set_password_url = confirm.redirect_chain[-1][0]

    done = client.post(
        set_password_url,
        {
            "new_password1": "a-brand-new-long-password",
            "new_password2": "a-brand-new-long-password",
        },
    )

    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("a-brand-new-long-password")
    assert sign_in(client, user.email, "a-brand-new-long-password") is True
    client.logout()
    assert sign_in(client, user.email, PASSWORD) is False


def test_password_reset_link_works_only_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    user = world.co_trainer.user
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": user.email})
    link = re.findall(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body)[0]
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = {
        "new_password1": "a-brand-new-long-password",
        "new_password2": "a-brand-new-long-password",
    }
    assert client.post(set_password_url, new).status_code == 302

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert page_heading(again) == "This link no longer works"


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(client, world, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


# Who may manage members


@pytest.mark.parametrize("role", [Role.CO_TRAINER, Role.EXTERNAL_SUPPORTER])
def test_non_lead_refused_on_member_management(client_for, world, role):
    client = client_for(MembershipFactory(organisation=world.organisation, role=role))
    org, member = world.organisation.pk, world.co_trainer.pk
    urls = [
        reverse("member_invite", kwargs={"org_id": org}),
        reverse("member_edit", kwargs={"org_id": org, "pk": member}),
        reverse("member_remove", kwargs={"org_id": org, "pk": member}),
    ]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert [client.post(url).status_code for url in urls] == [403, 403, 403]


# Query counts


def _member_list(client_for, members):
    organisation, lead, carer = make_team()
    preferences = list(CreditPreference.values)
    for number in range(members):
        MembershipFactory(
            organisation=organisation,
            role=[Role.CO_TRAINER, Role.OBSERVER, Role.EXTERNAL_SUPPORTER][number % 3],
            perspective=[Perspective.FAMILY_CARER, Perspective.PROFESSIONAL][number % 2],
            credit_preference=preferences[number % len(preferences)],
            is_external=bool(number % 2),
        )
        InvitationFactory(organisation=organisation, invited_by=lead)
    url = reverse("member_list", kwargs={"org_id": organisation.pk})
    # As lead: the page then also lists pending invitations and the manage buttons.
    return query_count(client_for(lead), url)


def test_member_list_page_query_count_same_for_one_and_twenty_members(client_for):
    one, twenty = _member_list(client_for, 1), _member_list(client_for, 20)

    assert twenty == one, f"_member_list: {one} queries for 1 item, {twenty} for 20"


def _member_list_invitations(client_for, count):
    """As lead: ``count`` pending invitations from different people, some expired, and one
    accepted (not listed)."""
    organisation, lead, carer = make_team()
    inviters = make_people(organisation, count, role=Role.LEAD)
    for number, inviter in enumerate(inviters):
        invitation = InvitationFactory(
            organisation=organisation,
            invited_by=inviter,
            role=[Role.CO_TRAINER, Role.OBSERVER, Role.EXTERNAL_SUPPORTER][number % 3],
            perspective=[Perspective.FAMILY_CARER, Perspective.PROFESSIONAL][number % 2],
            is_external=bool(number % 2),
        )
        if number % 2:
            Invitation.objects.filter(pk=invitation.pk).update(
                created_at=timezone.now() - timedelta(days=365)
            )
    InvitationFactory(organisation=organisation, invited_by=lead, accepted_at=timezone.now())
    return query_count(client_for(lead), reverse("member_list", args=[organisation.pk]))


def test_member_list_queries_do_not_grow_with_pending_invitations(client_for):
    assert _member_list_invitations(client_for, 1) == _member_list_invitations(client_for, MANY)


def test_member_edit_page_starts_from_the_job_title(client_for, world):
    member = world.co_trainer
    member.job_title = "Peer support worker"
    member.save(update_fields=["job_title"])

    response = client_for(world.lead).get(
        reverse("member_edit", kwargs={"org_id": world.organisation.pk, "pk": member.pk})
    )

    assert response.context["form"]["job_title"].value() == "Peer support worker"


def test_invitation_page_starts_from_the_name_the_inviter_typed(client, world):
    invitation = InvitationFactory(
        organisation=world.organisation, invited_by=world.lead, full_name="Priya Shah"
    )

    response = client.get(reverse("invitation_accept", kwargs={"token": invitation.token}))

    assert response.context["form"]["full_name"].value() == "Priya Shah"


def test_a_lead_sets_the_sign_off_and_co_delivery_rules_and_none_of_each_is_refused(
    client_for, world
):
    client = client_for(world.lead)
    url = reverse("working_rules", kwargs={"org_id": world.organisation.pk})
    people = client.get(reverse("member_list", kwargs={"org_id": world.organisation.pk}))
    assert url in people.content.decode()
    rules = {
        "family_carer_approvals_needed": "2",
        "professional_approvals_needed": "1",
        "delivery_family_carers_needed": "1",
        "delivery_professionals_needed": "0",
        "balance_threshold_percent": "25",
    }

    refused = client.post(url, rules)

    assert refused.status_code == 400
    assert field_errors(refused.content.decode())["delivery_professionals_needed"] == [
        "Between 1 and 10: both perspectives are needed."
    ]
    world.organisation.refresh_from_db()
    assert world.organisation.family_carer_approvals_needed == 1

    assert client.post(url, {**rules, "delivery_professionals_needed": "1"}).status_code == 302

    world.organisation.refresh_from_db()
    assert world.organisation.family_carer_approvals_needed == 2
    assert world.organisation.balance_threshold_percent == 25
    assert ContributionEntry.objects.filter(action=Action.ORGANISATION_WORKING_RULES).count() == 1
    assert client_for(world.co_trainer).get(url).status_code == 403
