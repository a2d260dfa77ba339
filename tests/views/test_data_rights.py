"""A person's copy of their data: all of theirs, none of anyone else's, and a lead's copy holds
only the lead's own organisation."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.helpers import edit_section, field_errors
from workshops.enums import Action, ExpenseKind, Payment, Role, TimeActivity
from workshops.models import ContributionEntry
from workshops.services import pay as pay_services
from workshops.services import reviews as review_services
from workshops.services import time as time_services

pytestmark = pytest.mark.django_db


def _zip(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _everything(archive):
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


@pytest.fixture
def two_people(make_world):
    """A complete world; the carer and the lead each write, comment and decide."""
    world = make_world(complete=True)
    edit_section(world.section, "Words only Quentin-the-carer wrote.", actor=world.co_trainer)
    review_services.comment_add(
        round=world.review_round, body="A comment only the lead wrote.", actor=world.lead
    )
    for person, note in ((world.co_trainer, "Carer's own time"), (world.lead, "Lead's own time")):
        time_services.time_entry_create(
            membership=person,
            date=timezone.localdate(),
            minutes=60,
            activity=TimeActivity.PREPARATION,
            payment=Payment.PAID,
            note=note,
            actor=person,
        )
    pay_services.expense_add(
        membership=world.co_trainer,
        date=timezone.localdate(),
        kind=ExpenseKind.PARKING,
        amount_pence=450,
        receipt_note="Receipt kept by Quentin",
        actor=world.co_trainer,
    )
    return world


def test_own_export_holds_all_of_the_persons_data_and_nothing_of_anothers(client_for, two_people):
    world = two_people
    archive = _zip(client_for(world.co_trainer).get(reverse("my_data")))

    assert {"index.html", "data.json", "words.csv", "comments.csv", "expenses.csv"} <= set(
        archive.namelist()
    )
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["email"] == world.co_trainer.user.email
    assert [m["organisation"] for m in data["memberships"]] == [world.organisation.name]
    assert any("Quentin-the-carer" in w["text"] for w in data["words"])
    assert [c["comment"] for c in data["comments"]] == ["Could we say this more gently?"]
    assert [c["your_part"] for c in data["consents"]] == ["whose story"]
    assert [t["note"] for t in data["time"]] == ["Carer's own time"]
    assert [(e["amount"], e["receipt"]) for e in data["expenses"]] == [
        ("4.50", "Receipt kept by Quentin")
    ]
    everything = _everything(archive)
    assert world.lead.user.email not in everything
    assert "A comment only the lead wrote." not in everything
    assert "Lead's own time" not in everything
    assert "What coprod holds about" in archive.read("index.html").decode()


def test_a_leads_copy_holds_only_their_organisations_records_and_is_logged(
    client_for, two_people, make_world
):
    world = two_people
    elsewhere = make_world()
    MembershipFactory(
        user=world.co_trainer.user, organisation=elsewhere.organisation, role=Role.CO_TRAINER
    )
    url = reverse(
        "member_data", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
    )

    archive = _zip(client_for(world.lead).get(url))

    data = json.loads(archive.read("data.json"))
    assert [m["organisation"] for m in data["memberships"]] == [world.organisation.name]
    assert elsewhere.organisation.name not in _everything(archive)
    entry = ContributionEntry.objects.get(action=Action.DATA_EXPORT)
    assert entry.membership_id == world.lead.pk


def test_only_a_lead_gets_someone_elses_copy(client_for, two_people):
    world = two_people
    url = reverse("member_data", kwargs={"org_id": world.organisation.pk, "pk": world.lead.pk})

    assert client_for(world.co_trainer).get(url).status_code == 403


def test_a_person_erases_their_account_and_is_signed_out(client_for, two_people):
    world = two_people
    client = client_for(world.co_trainer)
    url = reverse("erase_account")

    refused = client.post(url, {"keep_words": "keep"})
    assert refused.status_code == 400
    assert field_errors(refused.content.decode())["confirm"]

    response = client.post(url, {"keep_words": "keep", "confirm": "on"})

    assert "Your account is closed" in response.content.decode()
    world.co_trainer.user.refresh_from_db()
    assert world.co_trainer.user.full_name == "a former family carer"
    assert client.get(reverse("home")).status_code == 302  # signed out


def test_a_lead_erases_a_person_at_their_request_from_the_remove_page(client_for, two_people):
    world = two_people
    client = client_for(world.lead)
    remove = reverse(
        "member_remove", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
    )
    remove_page = client.get(remove)
    url = reverse(
        "member_erase", kwargs={"org_id": world.organisation.pk, "pk": world.co_trainer.pk}
    )
    assert url in remove_page.content.decode()

    refused = client.post(url, {"keep_words": "remove"})
    assert refused.status_code == 400
    assert field_errors(refused.content.decode())["confirm"]

    response = client.post(url, {"keep_words": "remove", "confirm": "on"}, follow=True)

    assert "a former family carer" in response.content.decode()
    world.co_trainer.user.refresh_from_db()
    assert world.co_trainer.user.full_name == "a former family carer"
    world.section.refresh_from_db()
    assert "Quentin-the-carer" not in world.section.body


def test_a_lead_sets_how_long_details_are_kept_and_a_wrong_number_is_refused_beside_it(
    client_for, two_people
):
    world = two_people
    client = client_for(world.lead)
    url = reverse("retention", kwargs={"org_id": world.organisation.pk})
    assert client.get(url).status_code == 200

    refused = client.post(url, {"attendee_retention_days": "0", "answer_retention_days": "30"})
    assert refused.status_code == 400
    assert field_errors(refused.content.decode())["attendee_retention_days"]

    client.post(url, {"attendee_retention_days": "90", "answer_retention_days": ""})

    world.organisation.refresh_from_db()
    assert world.organisation.attendee_retention_days == 90
    assert world.organisation.answer_retention_days is None
    assert world.organisation.closed_account_retention_days is None
    assert ContributionEntry.objects.filter(action=Action.ORGANISATION_RETENTION).count() == 1
    assert client_for(world.co_trainer).get(url).status_code == 403
