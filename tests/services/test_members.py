"""Members' job titles and the staff member role, as the member services write them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import MembershipFactory
from workshops.enums import Action, DecisionKind, Payment, Perspective, Role, TimeActivity
from workshops.models import ContributionEntry, Membership
from workshops.services import content, members, reviews, time

pytestmark = pytest.mark.django_db


def _invite_and_join(world, **invitation):
    made = members.invitation_create(
        organisation=world.organisation,
        email="priya@example.org",
        role=Role.STAFF,
        perspective=Perspective.PROFESSIONAL,
        actor=world.lead,
        **invitation,
    )
    return members.invitation_accept(
        invitation=made, full_name="Priya Shah", first_name="Priya", password="long-pass-1a"
    )


def test_invitation_job_title_becomes_the_membership_job_title(world):
    member = _invite_and_join(world, job_title="  Peer support worker ")

    assert (member.role, member.job_title) == (Role.STAFF, "Peer support worker")


def test_invitation_without_job_title_joins_with_none(world):
    assert _invite_and_join(world).job_title == ""


def test_membership_update_sets_job_title_with_the_usual_entry(world):
    last = ContributionEntry.objects.latest("pk").pk

    members.membership_update(
        membership=world.co_trainer,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        is_external=False,
        job_title="Parent carer trainer",
        actor=world.lead,
    )

    assert Membership.objects.get(pk=world.co_trainer.pk).job_title == "Parent carer trainer"
    assert list(
        ContributionEntry.objects.filter(pk__gt=last).values_list("action", "target_id")
    ) == [(Action.MEMBER_CHANGE, world.co_trainer.pk)]


def test_membership_update_without_job_title_keeps_the_one_they_have(world):
    Membership.objects.filter(pk=world.co_trainer.pk).update(job_title="Parent carer trainer")

    members.membership_update(
        membership=world.co_trainer,
        role=Role.STAFF,
        perspective=Perspective.FAMILY_CARER,
        is_external=False,
        actor=world.lead,
    )

    member = Membership.objects.get(pk=world.co_trainer.pk)
    assert (member.role, member.job_title) == (Role.STAFF, "Parent carer trainer")


# The staff member role: reads, comments and logs their own time; never writes or signs off.


@pytest.fixture
def staff(world):
    return MembershipFactory(
        organisation=world.organisation, role=Role.STAFF, perspective=Perspective.PROFESSIONAL
    )


def test_staff_member_logs_their_own_time(world, staff):
    entry = time.time_entry_create(
        membership=staff,
        date=timezone.localdate(),
        minutes=45,
        activity=TimeActivity.PREPARATION,
        payment=Payment.PAID,
        actor=staff,
    )

    logged = ContributionEntry.objects.latest("pk")
    assert (logged.action, logged.membership_id, logged.target_id) == (
        Action.TIME_LOG,
        staff.pk,
        entry.pk,
    )


def test_staff_member_may_not_log_someone_elses_time(world, staff):
    with pytest.raises(PermissionDenied):
        time.time_entry_create(
            membership=world.co_trainer,
            date=timezone.localdate(),
            minutes=45,
            activity=TimeActivity.PREPARATION,
            payment=Payment.PAID,
            actor=staff,
        )


def test_staff_member_reviewer_comments_but_may_not_sign_off(world, staff):
    round = reviews.review_round_open(
        module=world.module, reviewers=[world.lead, world.co_trainer, staff], actor=world.lead
    )

    comment = reviews.comment_add(round=round, body="Could this be shorter?", actor=staff)

    assert comment.author == staff
    with pytest.raises(PermissionDenied):
        reviews.review_decide(
            round=round,
            kind=DecisionKind.APPROVE,
            reason="",
            content_hash=round.version.content_hash,
            actor=staff,
        )
    assert round.decisions.count() == 0


def test_staff_member_may_not_edit_the_material(world, staff):
    with pytest.raises(PermissionDenied):
        content.module_create(workshop=world.workshop, title="Added by staff", actor=staff)

    assert world.workshop.modules.filter(title="Added by staff").exists() is False
