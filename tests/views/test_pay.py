"""The fair pay pages through the test client: errors beside the field with status 400, the
statement as CSV and PDF, the payroll CSV, and who may open what."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import field_errors
from workshops.enums import Action, ExpenseKind, Payment, RateUnit, TimeActivity
from workshops.models import (
    ContributionEntry,
    Expense,
    FundingPot,
    PayMonthClose,
    PayRate,
    TimeEntry,
)
from workshops.services import pay as pay_services
from workshops.services import time as time_services

pytestmark = pytest.mark.django_db

MAY = date(2025, 5, 10)


def url(name, world, **query):
    address = reverse(name, kwargs={"org_id": world.organisation.pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def priced(world):
    """£20 an hour from April 2025, and an hour of the co-trainer's time in May."""
    pay_services.pay_rate_add(
        organisation=world.organisation,
        activity="",
        unit=RateUnit.HOUR,
        amount_pence=2000,
        starts_on=date(2025, 4, 1),
        actor=world.lead,
    )
    return time_services.time_entry_create(
        membership=world.co_trainer,
        date=MAY,
        minutes=60,
        activity=TimeActivity.REVIEW,
        payment=Payment.PAID,
        actor=world.co_trainer,
    )


def test_pay_rate_card_lead_adds_a_row_and_a_bad_amount_is_shown_beside_it(world, client_for):
    client = client_for(world.lead)

    refused = client.post(
        url("pay_rates", world), {"unit": "hour", "amount": "ten", "starts_on": "2025-04-01"}
    )
    added = client.post(
        url("pay_rates", world),
        {"activity": "delivery", "unit": "day", "amount": "150.00", "starts_on": "2025-04-01"},
    )

    assert refused.status_code == 400
    assert field_errors(refused.content.decode()) == {
        "amount": ["Enter an amount in pounds and pence, for example 12.50."]
    }
    assert added.status_code == 302
    rate = PayRate.objects.get()
    assert (rate.activity, rate.unit, rate.amount_pence) == ("delivery", "day", 15000)
    assert "£150.00" in client.get(url("pay_rates", world)).content.decode()


def test_pay_rate_card_co_trainer_reads_but_cannot_add(world, client_for):
    client = client_for(world.co_trainer)

    page = client.get(url("pay_rates", world))
    post = client.post(
        url("pay_rates", world), {"unit": "hour", "amount": "1.00", "starts_on": "2025-04-01"}
    )

    assert page.status_code == 200
    assert "Add this rate" not in page.content.decode()
    assert post.status_code == 403
    assert not PayRate.objects.exists()


def test_pay_choices_page_changes_a_choice_and_refuses_too_much(world, client_for, priced):
    client = client_for(world.co_trainer)
    page = client.get(url("pay_choices", world))
    assert "£20.00" in page.content.decode()

    too_much = client.post(
        url("pay_choices", world), {"entry": priced.pk, "payment": "reduced", "reduced": "25"}
    )
    reduced = client.post(
        url("pay_choices", world), {"entry": priced.pk, "payment": "reduced", "reduced": "5"}
    )

    assert too_much.status_code == 400
    assert field_errors(too_much.content.decode()) == {
        "reduced": ["A reduced amount cannot be more than the full amount."]
    }
    assert f'id="entry{priced.pk}_id_reduced"' in too_much.content.decode()
    assert reduced.status_code == 302
    priced.refresh_from_db()
    assert (priced.payment, priced.reduced_pence) == (Payment.REDUCED, 500)


def test_pay_choices_in_a_closed_month_are_refused_with_a_plain_message(world, client_for, priced):
    pay_services.pay_month_close(organisation=world.organisation, month=MAY, actor=world.lead)

    response = client_for(world.co_trainer).post(
        url("pay_choices", world), {"entry": priced.pk, "payment": "declined"}
    )

    # The closed month's entries have no form any more; the refusal is said above the forms.
    assert response.status_code == 400
    assert "May 2025 is closed for payments" in response.content.decode()
    priced.refresh_from_db()
    assert priced.payment == Payment.PAID


def test_pay_choices_someone_elses_entry_is_not_found(world, client_for, priced):
    response = client_for(world.lead).post(
        url("pay_choices", world), {"entry": priced.pk, "payment": "declined"}
    )

    assert response.status_code == 404


def test_pay_expenses_page_claims_mileage_and_needs_a_receipt_note(world, client_for):
    client = client_for(world.co_trainer)

    refused = client.post(
        url("pay_expenses", world), {"date": "2025-05-01", "kind": "parking", "amount": "3"}
    )
    mileage = client.post(
        url("pay_expenses", world),
        {
            "date": "2025-05-01",
            "kind": "mileage",
            "miles": "20",
            "receipt_note": "no receipt: mileage",
        },
    )

    assert refused.status_code == 400
    assert list(field_errors(refused.content.decode())) == ["receipt_note"]
    assert mileage.status_code == 302
    assert Expense.objects.get().amount_pence == 900
    assert "£9.00" in client.get(url("pay_expenses", world)).content.decode()


def test_pay_expenses_a_lead_claims_for_someone_and_others_may_not_look(
    world, other_world, client_for
):
    lead = client_for(world.lead)
    theirs = url("pay_expenses", world, person=world.co_trainer.pk)
    page = lead.get(theirs).content.decode()
    assert f"Expenses of {world.co_trainer.user.full_name}" in page
    assert f"What taking part cost {world.co_trainer.user.first_name}:" in page
    assert 'aria-current="page"' not in page  # the tabs are the lead's own pages

    response = lead.post(
        theirs,
        {"date": "2025-05-01", "kind": "parking", "amount": "3", "receipt_note": "handed in"},
    )

    assert response.status_code == 302
    assert response["Location"] == theirs
    expense = Expense.objects.get()
    assert expense.membership_id == world.co_trainer.pk
    entry = ContributionEntry.objects.get(action=Action.EXPENSE_ADD)
    assert entry.membership_id == world.lead.pk
    assert "£3.00" in lead.get(theirs).content.decode()
    carer = client_for(world.co_trainer)
    assert carer.get(url("pay_expenses", world, person=world.lead.pk)).status_code == 403
    assert lead.get(url("pay_expenses", world, person=other_world.lead.pk)).status_code == 404


def test_pay_months_lead_closes_one_and_a_bad_month_is_refused(world, client_for):
    client = client_for(world.lead)

    refused = client.post(url("pay_months", world), {"month": "May"})
    closed = client.post(url("pay_months", world), {"month": "2025-05"})
    again = client.post(url("pay_months", world), {"month": "2025-05"})

    assert refused.status_code == 400
    assert list(field_errors(refused.content.decode())) == ["month"]
    assert closed.status_code == 302
    assert PayMonthClose.objects.get().month == date(2025, 5, 1)
    assert field_errors(again.content.decode()) == {"month": ["This month is already closed."]}
    assert client_for(world.co_trainer).get(url("pay_months", world)).status_code == 403


def test_pay_funding_page_warns_when_low(world, client_for, priced):
    client = client_for(world.lead)

    saved = client.post(
        url("pay_funding", world, year=2025), {"name": "Involvement fund", "amount": "22.00"}
    )
    page = client.get(url("pay_funding", world, year=2025)).content.decode()

    assert saved.status_code == 302
    assert FundingPot.objects.get().amount_pence == 2200
    assert "Less than a fifth of the pot is left." in page
    assert "£20.00" in page and "£2.00" in page


def test_pay_statement_csv_and_pdf_for_oneself(world, client_for, priced):
    Expense.objects.create(
        membership=world.co_trainer,
        date=MAY,
        kind=ExpenseKind.PARKING,
        amount_pence=450,
        receipt_note="=cmd receipt kept by Sam",
    )
    client = client_for(world.co_trainer)

    rows = csv_rows(client.get(url("pay_statement_csv", world, year=2025)))
    pdf = client.get(url("pay_statement_pdf", world, year=2025))

    name = world.co_trainer.user.full_name
    payment = ["payment (income)", "2025-05-10", "review", "60", "20.00", "paid", "20.00", ""]
    receipt = "'=cmd receipt kept by Sam"  # kept from running as a formula
    spent = ["expense (not income)", "2025-05-10", "parking", "", "4.50", "", "4.50", receipt]
    totals = [
        ["total payments (income)", "", "", "", "", "", "20.00", ""],
        ["total expenses (not income)", "", "", "", "", "", "4.50", ""],
    ]
    assert rows[1:] == [["2025-26", name, *row] for row in [payment, spent, *totals]]
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_pay_statement_lead_downloads_anyones_and_a_co_trainer_only_their_own(
    world, client_for, priced
):
    lead_view = client_for(world.lead).get(
        url("pay_statement_csv", world, year=2025, person=world.co_trainer.pk)
    )
    refused = client_for(world.co_trainer).get(
        url("pay_statement_csv", world, year=2025, person=world.lead.pk)
    )
    own = csv_rows(client_for(world.lead).get(url("pay_statement_csv", world, year=2025)))

    assert csv_rows(lead_view)[1][1] == world.co_trainer.user.full_name
    assert refused.status_code == 403
    assert [row[2] for row in own[1:]] == ["total payments (income)", "total expenses (not income)"]


def test_pay_payroll_csv_shows_paid_donated_and_declined(world, client_for, priced):
    donated = time_services.time_entry_create(
        membership=world.lead,
        date=MAY,
        minutes=30,
        activity=TimeActivity.REVIEW,
        payment=Payment.DONATED,
        actor=world.lead,
    )
    assert TimeEntry.objects.get(pk=donated.pk).amount_pence == 1000

    response = client_for(world.lead).get(url("pay_payroll_csv", world, month="2025-05"))

    rows = sorted(csv_rows(response)[1:], key=lambda row: row[1] != world.co_trainer.user.full_name)
    assert rows == [
        ["2025-05", world.co_trainer.user.full_name, "20.00", "0.00", "0", "0", "0.00", "20.00"],
        ["2025-05", world.lead.user.full_name, "0.00", "10.00", "0", "0", "0.00", "0.00"],
    ]
    assert client_for(world.co_trainer).get(url("pay_payroll_csv", world)).status_code == 403


def test_pay_payroll_csv_for_a_financial_year_has_a_row_per_person_per_month(
    world, client_for, priced
):
    client = client_for(world.lead)
    months_page = client.get(url("pay_months", world)).content.decode()
    assert 'name="year"' in months_page

    response = client.get(url("pay_payroll_csv", world, year=2025))

    assert response["Content-Disposition"].endswith('-2025-26.csv"')
    assert csv_rows(response)[1:] == [
        ["2025-05", world.co_trainer.user.full_name, "20.00", "0.00", "0", "0", "0.00", "20.00"],
    ]
    assert client.get(url("pay_payroll_csv", world, year="soon")).status_code == 404


def test_pay_time_records_page_links_the_pay_pages(world, client_for):
    html = (
        client_for(world.co_trainer)
        .get(reverse("time_records", kwargs={"org_id": world.organisation.pk}))
        .content.decode()
    )

    assert url("pay_choices", world) in html and url("pay_expenses", world) in html
    assert url("pay_months", world) not in html


# Changing and removing an expense, and reopening a month


def claim(membership, day=MAY):
    return pay_services.expense_add(
        membership=membership,
        date=day,
        kind=ExpenseKind.PARKING,
        amount_pence=450,
        receipt_note="receipt kept by me",
        actor=membership,
    )


def expense_url(name, expense, organisation=None):
    org_id = (organisation or expense.membership.organisation).pk
    return reverse(name, kwargs={"org_id": org_id, "pk": expense.pk})


def csrf_client(membership):
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    return client


def test_pay_expenses_rows_link_to_change_and_remove_while_open(world, client_for):
    open_one, closed_one = claim(world.co_trainer), claim(world.co_trainer, date(2025, 4, 2))
    pay_services.pay_month_close(
        organisation=world.organisation, month=date(2025, 4, 1), actor=world.lead
    )

    html = client_for(world.co_trainer).get(url("pay_expenses", world)).content.decode()

    assert f'href="{expense_url("pay_expense_edit", open_one)}"' in html
    assert f'href="{expense_url("pay_expense_remove", open_one)}"' in html
    assert expense_url("pay_expense_edit", closed_one) not in html


def test_pay_expense_edit_page_has_the_form_and_saves_a_change(world, client_for):
    claimed = claim(world.co_trainer)
    client = client_for(world.co_trainer)

    page = client.get(expense_url("pay_expense_edit", claimed))
    refused = client.post(
        expense_url("pay_expense_edit", claimed),
        {"date": "2025-05-10", "kind": "travel", "amount": "6.20", "receipt_note": ""},
    )
    saved = client.post(
        expense_url("pay_expense_edit", claimed),
        {"date": "2025-05-11", "kind": "travel", "amount": "6.20", "receipt_note": "bus ticket"},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'value="4.50"' in html
    assert 'name="date" value="2025-05-10"' in html
    assert refused.status_code == 400
    assert list(field_errors(refused.content.decode())) == ["receipt_note"]
    assert saved.status_code == 302
    assert saved.url == url("pay_expenses", world)
    claimed.refresh_from_db()
    assert (claimed.date, claimed.kind, claimed.amount_pence, claimed.receipt_note) == (
        date(2025, 5, 11),
        "travel",
        620,
        "bus ticket",
    )


def test_pay_expense_edit_in_a_closed_month_is_refused_plainly(world, client_for):
    claimed = claim(world.co_trainer)
    pay_services.pay_month_close(organisation=world.organisation, month=MAY, actor=world.lead)
    client = client_for(world.co_trainer)

    page = client.get(expense_url("pay_expense_edit", claimed))
    refused = client.post(
        expense_url("pay_expense_edit", claimed),
        {"date": "2025-05-10", "kind": "travel", "amount": "6.20", "receipt_note": "ticket"},
    )

    assert "May 2025 is closed for payments" in page.content.decode()
    assert 'name="receipt_note"' not in page.content.decode()
    assert refused.status_code == 400
    assert "May 2025 is closed for payments" in refused.content.decode()
    claimed.refresh_from_db()
    assert claimed.amount_pence == 450


def test_pay_expense_remove_asks_then_removes(world, client_for):
    claimed = claim(world.co_trainer)
    client = client_for(world.co_trainer)

    page = client.get(expense_url("pay_expense_remove", claimed))
    removed = client.post(expense_url("pay_expense_remove", claimed))

    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert Expense.objects.filter(pk=claimed.pk).exists() is False
    assert removed.status_code == 302
    assert removed.url == url("pay_expenses", world)


def test_pay_expense_remove_in_a_closed_month_is_refused(world, client_for):
    claimed = claim(world.co_trainer)
    pay_services.pay_month_close(organisation=world.organisation, month=MAY, actor=world.lead)

    refused = client_for(world.co_trainer).post(expense_url("pay_expense_remove", claimed))

    assert refused.status_code == 400
    assert "May 2025 is closed for payments" in refused.content.decode()
    assert Expense.objects.filter(pk=claimed.pk).exists()


def test_pay_expense_pages_without_the_csrf_token_are_refused(world):
    claimed = claim(world.co_trainer)
    client = csrf_client(world.co_trainer)

    edit = client.post(
        expense_url("pay_expense_edit", claimed),
        {"date": "2025-05-10", "kind": "travel", "amount": "6.20", "receipt_note": "ticket"},
    )
    remove = client.post(expense_url("pay_expense_remove", claimed))

    assert (edit.status_code, remove.status_code) == (403, 403)
    claimed.refresh_from_db()
    assert claimed.amount_pence == 450


def test_pay_expense_someone_elses_is_not_found_but_a_lead_may_change_it(world, client_for):
    claimed = claim(world.co_trainer)
    other = claim(world.lead)

    not_found = client_for(world.co_trainer).get(expense_url("pay_expense_edit", other))
    lead_page = client_for(world.lead).get(expense_url("pay_expense_edit", claimed))

    assert not_found.status_code == 404
    assert lead_page.status_code == 200
    assert f"This is {world.co_trainer.user.full_name}" in lead_page.content.decode()


def test_pay_expense_and_reopen_of_another_organisation_are_not_found(
    world, other_world, client_for
):
    claimed = claim(world.co_trainer)
    close = pay_services.pay_month_close(
        organisation=world.organisation, month=MAY, actor=world.lead
    )
    outsider = client_for(other_world.lead)
    own_org = other_world.organisation

    answers = [
        outsider.get(expense_url("pay_expense_edit", claimed)).status_code,
        outsider.get(expense_url("pay_expense_remove", claimed, own_org)).status_code,
        outsider.post(expense_url("pay_expense_remove", claimed, own_org)).status_code,
        outsider.post(
            reverse("pay_month_reopen", kwargs={"org_id": own_org.pk, "pk": close.pk})
        ).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert Expense.objects.filter(pk=claimed.pk).exists()
    assert PayMonthClose.objects.filter(pk=close.pk).exists()


def test_pay_months_lead_reopens_a_month_after_saying_yes(world, client_for, priced):
    close = pay_services.pay_month_close(
        organisation=world.organisation, month=MAY, actor=world.lead
    )
    client = client_for(world.lead)
    reopen = reverse("pay_month_reopen", kwargs={"org_id": world.organisation.pk, "pk": close.pk})

    months = client.get(url("pay_months", world)).content.decode()
    page = client.get(reopen)
    reopened = client.post(reopen, follow=True)

    assert f'href="{reopen}"' in months
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "Reopen May 2025?" in page.content.decode()
    assert reopened.redirect_chain == [(url("pay_months", world), 302)]
    assert "May 2025 is open again" in reopened.content.decode()
    assert not PayMonthClose.objects.exists()
    # The month's choices may change again.
    chosen = client_for(world.co_trainer).post(
        url("pay_choices", world), {"entry": priced.pk, "payment": "donated"}
    )
    assert chosen.status_code == 302


def test_pay_months_only_a_lead_may_reopen(world, client_for):
    close = pay_services.pay_month_close(
        organisation=world.organisation, month=MAY, actor=world.lead
    )
    reopen = reverse("pay_month_reopen", kwargs={"org_id": world.organisation.pk, "pk": close.pk})
    client = client_for(world.co_trainer)

    assert (client.get(reopen).status_code, client.post(reopen).status_code) == (403, 403)
    assert PayMonthClose.objects.filter(pk=close.pk).exists()
