"""Fair pay services (workshops/services/pay.py) and their reads: amounts from the rate card,
choices until the month closes, expenses kept apart, the funding pot, the payroll, statements
and who may do what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import MembershipFactory
from workshops.enums import ExpenseKind, Payment, RateUnit, Role, TimeActivity
from workshops.models import ContributionEntry, Expense, PayMonthClose, PayRate
from workshops.selectors import pay as pay_selectors
from workshops.services import pay as pay_services
from workshops.services import time as time_services

pytestmark = pytest.mark.django_db

MAY = date(2025, 5, 10)


def add_rate(world, pence, starts_on=date(2025, 4, 1), unit=RateUnit.HOUR, activity=""):
    return pay_services.pay_rate_add(
        organisation=world.organisation,
        activity=activity,
        unit=unit,
        amount_pence=pence,
        starts_on=starts_on,
        actor=world.lead,
    )


def record(membership, day=MAY, minutes=60, payment=Payment.PAID, activity=TimeActivity.REVIEW):
    return time_services.time_entry_create(
        membership=membership,
        date=day,
        minutes=minutes,
        activity=activity,
        payment=payment,
        actor=membership,
    )


def close(world, month):
    return pay_services.pay_month_close(
        organisation=world.organisation, month=month, actor=world.lead
    )


def expense(membership, pence=450, day=MAY, kind=ExpenseKind.PARKING, **extra):
    return pay_services.expense_add(
        membership=membership,
        date=day,
        kind=kind,
        amount_pence=pence,
        receipt_note="receipt kept by Sam",
        actor=membership,
        **extra,
    )


# Amounts


def test_pay_entry_is_priced_when_recorded_and_again_when_a_rate_starts(world):
    add_rate(world, 2000)
    early, late = record(world.co_trainer, date(2025, 5, 5)), record(world.co_trainer, MAY)
    assert (early.amount_pence, late.amount_pence) == (2000, 2000)

    add_rate(world, 2400, starts_on=date(2025, 5, 8))

    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.amount_pence, late.amount_pence) == (2000, 2400)


def test_pay_closed_month_keeps_its_amounts_when_a_rate_is_added(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)
    close(world, MAY)

    add_rate(world, 9900, starts_on=date(2025, 5, 1))

    entry.refresh_from_db()
    assert entry.amount_pence == 2000


def test_pay_new_rate_below_a_reduced_amount_brings_it_down(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)
    pay_services.payment_choice_set(
        entry=entry, payment=Payment.REDUCED, reduced_pence=1500, actor=world.co_trainer
    )

    add_rate(world, 1000, starts_on=MAY)

    entry.refresh_from_db()
    assert (entry.amount_pence, entry.reduced_pence) == (1000, 1000)


# Choices and the month close


def test_pay_choice_changes_until_the_month_closes_then_is_refused(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)
    for payment in (Payment.DONATED, Payment.DECLINED, Payment.PAID):
        pay_services.payment_choice_set(entry=entry, payment=payment, actor=world.co_trainer)
        entry.refresh_from_db()
        assert entry.payment == payment
    close(world, MAY)

    with pytest.raises(ValidationError) as refused:
        pay_services.payment_choice_set(
            entry=entry, payment=Payment.DECLINED, actor=world.co_trainer
        )

    assert "May 2025 is closed for payments" in refused.value.message_dict["payment"][0]
    entry.refresh_from_db()
    assert entry.payment == Payment.PAID


def test_pay_closed_month_takes_no_new_time_or_expenses(world):
    close(world, MAY)

    with pytest.raises(ValidationError):
        record(world.co_trainer)
    with pytest.raises(ValidationError) as refused:
        expense(world.co_trainer)
    assert "date" in refused.value.message_dict
    # The next month is still open.
    record(world.co_trainer, date(2025, 6, 1))


def test_pay_reduced_above_the_full_amount_is_refused(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)

    with pytest.raises(ValidationError) as refused:
        pay_services.payment_choice_set(
            entry=entry, payment=Payment.REDUCED, reduced_pence=2001, actor=world.co_trainer
        )

    assert refused.value.message_dict == {
        "reduced": ["A reduced amount cannot be more than the full amount."]
    }
    pay_services.payment_choice_set(
        entry=entry, payment=Payment.REDUCED, reduced_pence=2000, actor=world.co_trainer
    )


def test_pay_a_month_closes_once_and_not_before_it_starts(world):
    close(world, MAY)
    with pytest.raises(ValidationError):
        close(world, date(2025, 5, 31))
    with pytest.raises(ValidationError):
        close(world, date.today() + timedelta(days=40))
    assert PayMonthClose.objects.get().month == date(2025, 5, 1)


def test_pay_nobody_changes_someone_elses_choice_not_even_a_lead(world):
    entry = record(world.co_trainer)

    with pytest.raises(PermissionDenied):
        pay_services.payment_choice_set(entry=entry, payment=Payment.DECLINED, actor=world.lead)
    with pytest.raises(Http404):
        pay_selectors.own_time_entry_get(membership=world.lead, pk=entry.pk)


# Expenses


def test_pay_expenses_are_kept_apart_from_payments(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)
    parking = expense(world.co_trainer, pence=450)
    mileage = expense(world.co_trainer, pence=None, kind=ExpenseKind.MILEAGE, miles=Decimal("10.5"))

    assert (mileage.amount_pence, mileage.pence_per_mile) == (473, 45)  # 472.5p, rounded up
    entry.refresh_from_db()
    assert entry.amount_pence == 2000
    statement = pay_selectors.statement(membership=world.co_trainer, year=2025)
    assert (statement["payments_total"], statement["expenses_total"]) == (2000, 450 + 473)
    assert [e.pk for e in statement["expenses"]] == [parking.pk, mileage.pk]


def test_pay_mileage_uses_the_rate_cards_mileage_row(world):
    add_rate(world, 40, unit=RateUnit.MILE)

    mileage = expense(world.co_trainer, pence=None, kind=ExpenseKind.MILEAGE, miles=Decimal(10))

    assert mileage.amount_pence == 400


def test_pay_expense_needs_a_receipt_note_and_mileage_needs_miles(world):
    with pytest.raises(ValidationError) as no_note:
        pay_services.expense_add(
            membership=world.co_trainer,
            date=MAY,
            kind=ExpenseKind.TRAVEL,
            amount_pence=300,
            receipt_note="  ",
            actor=world.co_trainer,
        )
    with pytest.raises(ValidationError) as no_miles:
        expense(world.co_trainer, pence=None, kind=ExpenseKind.MILEAGE)

    assert list(no_note.value.message_dict) == ["receipt_note"]
    assert list(no_miles.value.message_dict) == ["miles"]


# The funding pot


def test_pay_funding_pot_counts_paid_reduced_and_expenses_but_not_donated_or_declined(world):
    add_rate(world, 2000)
    record(world.co_trainer)  # 2000 paid
    reduced = record(world.co_trainer)
    pay_services.payment_choice_set(
        entry=reduced, payment=Payment.REDUCED, reduced_pence=500, actor=world.co_trainer
    )
    record(world.co_trainer, payment=Payment.DONATED)
    record(world.co_trainer, payment=Payment.DECLINED)
    record(world.lead, day=date(2026, 4, 1))  # the next financial year
    expense(world.co_trainer, pence=300)
    pay_services.funding_pot_set(
        organisation=world.organisation,
        year=2025,
        name="Involvement fund",
        amount_pence=10000,
        actor=world.lead,
    )

    page = pay_selectors.funding_page(organisation=world.organisation, year=2025)

    assert page["spent_pence"] == 2000 + 500 + 300
    assert (page["funds"].remaining_pence, page["funds"].low) == (7200, False)


def test_pay_funding_pot_warns_when_less_than_a_fifth_is_left(world):
    add_rate(world, 8100)
    record(world.co_trainer)
    pay_services.funding_pot_set(
        organisation=world.organisation,
        year=2025,
        name="Fund",
        amount_pence=10000,
        actor=world.lead,
    )

    funds = pay_selectors.funding_page(organisation=world.organisation, year=2025)["funds"]

    assert (funds.low, funds.overspent) == (True, False)


# Payroll and statements


def test_pay_payroll_rows_per_person_for_one_month(world):
    add_rate(world, 2000)
    record(world.co_trainer)
    donated = record(world.co_trainer)
    pay_services.payment_choice_set(entry=donated, payment=Payment.DONATED, actor=world.co_trainer)
    record(world.lead, payment=Payment.DECLINED)
    record(world.lead, day=date(2025, 6, 1))  # another month
    expense(world.lead, pence=250)

    rows = pay_selectors.payroll(organisation=world.organisation, month=MAY)

    by_person = {row["membership_id"]: row for row in rows}
    carer, lead = by_person[world.co_trainer.pk], by_person[world.lead.pk]
    assert (carer["pay_pence"], carer["donated_pence"], carer["expenses_pence"]) == (2000, 2000, 0)
    assert (lead["pay_pence"], lead["declined"], lead["expenses_pence"]) == (0, 1, 250)
    assert len(rows) == 2


def test_pay_payroll_for_a_year_runs_month_by_month_from_1_april_to_31_march(
    world, django_assert_num_queries
):
    add_rate(world, 2000, starts_on=date(2024, 4, 1))
    record(world.co_trainer, day=date(2025, 3, 31))  # the year before
    first = record(world.co_trainer, day=date(2025, 4, 1))
    pay_services.payment_choice_set(entry=first, payment=Payment.DONATED, actor=world.co_trainer)
    record(world.lead, day=MAY)
    record(world.co_trainer, day=date(2026, 3, 31))
    record(world.co_trainer, day=date(2026, 4, 1))  # the year after
    expense(world.co_trainer, pence=300, day=date(2026, 3, 2))

    with django_assert_num_queries(3):
        rows = pay_selectors.payroll_year(organisation=world.organisation, year=2025)

    found = [
        (row["month"], row["membership_id"], row["pay_pence"], row["donated_pence"]) for row in rows
    ]
    assert found == [
        (date(2025, 4, 1), world.co_trainer.pk, 0, 2000),
        (date(2025, 5, 1), world.lead.pk, 2000, 0),
        (date(2026, 3, 1), world.co_trainer.pk, 2000, 0),
    ]
    assert rows[-1]["expenses_pence"] == 300


def test_pay_statement_matches_the_records_and_holds_only_that_person(world):
    add_rate(world, 2000)
    mine = [record(world.co_trainer), record(world.co_trainer, day=date(2026, 3, 31))]
    record(world.co_trainer, day=date(2025, 3, 31))  # the year before
    record(world.lead)
    expense(world.lead)

    statement = pay_selectors.statement(membership=world.co_trainer, year=2025)

    assert [e.pk for e in statement["entries"]] == [e.pk for e in mine]
    assert statement["expenses"] == []
    assert statement["payments_total"] == 4000


# Permissions


def test_pay_co_trainer_cannot_edit_the_rate_card_close_a_month_or_set_the_pot(world):
    log = ContributionEntry.objects.count()
    with pytest.raises(PermissionDenied):
        pay_services.pay_rate_add(
            organisation=world.organisation,
            activity="",
            unit=RateUnit.HOUR,
            amount_pence=5000,
            starts_on=MAY,
            actor=world.co_trainer,
        )
    with pytest.raises(PermissionDenied):
        pay_services.pay_month_close(
            organisation=world.organisation, month=MAY, actor=world.co_trainer
        )
    with pytest.raises(PermissionDenied):
        pay_services.funding_pot_set(
            organisation=world.organisation,
            year=2025,
            name="Mine",
            amount_pence=1,
            actor=world.co_trainer,
        )
    assert (PayRate.objects.count(), PayMonthClose.objects.count()) == (0, 0)
    assert ContributionEntry.objects.count() == log


def test_pay_another_organisation_cannot_write_or_read_anything(world, other_world):
    entry = record(world.co_trainer)
    outsider = other_world.lead
    with pytest.raises(PermissionDenied):
        pay_services.pay_rate_add(
            organisation=world.organisation,
            activity="",
            unit=RateUnit.HOUR,
            amount_pence=1,
            starts_on=MAY,
            actor=outsider,
        )
    with pytest.raises(PermissionDenied):
        pay_services.payment_choice_set(entry=entry, payment=Payment.DECLINED, actor=outsider)
    with pytest.raises(PermissionDenied):
        pay_services.expense_add(
            membership=world.co_trainer,
            date=MAY,
            kind=ExpenseKind.OTHER,
            amount_pence=1,
            receipt_note="no receipt: lost",
            actor=outsider,
        )
    with pytest.raises(Http404):
        pay_selectors.member_get(organisation=other_world.organisation, pk=world.co_trainer.pk)
    assert pay_selectors.payroll(organisation=other_world.organisation, month=MAY) == []


def test_pay_lead_claims_an_expense_for_someone_and_an_observer_cannot(world):
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    expense_for = pay_services.expense_add(
        membership=world.co_trainer,
        date=MAY,
        kind=ExpenseKind.CARE,
        amount_pence=2500,
        receipt_note="receipt kept by the lead",
        actor=world.lead,
    )
    assert expense_for.membership == world.co_trainer
    with pytest.raises(PermissionDenied):
        pay_services.expense_add(
            membership=world.co_trainer,
            date=MAY,
            kind=ExpenseKind.CARE,
            amount_pence=2500,
            receipt_note="receipt kept by me",
            actor=observer,
        )


# Changing and removing an expense, and reopening a month


def change(claimed, actor, **fields):
    values = {
        "date": claimed.date,
        "kind": ExpenseKind.TRAVEL,
        "amount_pence": 620,
        "receipt_note": "bus ticket kept by Sam",
        **fields,
    }
    return pay_services.expense_update(expense=claimed, actor=actor, **values)


def logged(action):
    return list(ContributionEntry.objects.filter(action=action).values_list("target_id", flat=True))


def test_pay_expense_changed_by_its_person_and_logged(world):
    claimed = expense(world.co_trainer)

    changed = change(claimed, world.co_trainer, date=date(2025, 5, 12))

    changed.refresh_from_db()
    assert (changed.date, changed.kind, changed.amount_pence, changed.receipt_note) == (
        date(2025, 5, 12),
        ExpenseKind.TRAVEL,
        620,
        "bus ticket kept by Sam",
    )
    assert logged("pay.expense_edit") == [claimed.pk]


def test_pay_expense_changed_to_mileage_is_priced_from_the_miles(world):
    claimed = expense(world.co_trainer)

    changed = change(claimed, world.co_trainer, kind=ExpenseKind.MILEAGE, miles=Decimal("10"))

    assert (changed.amount_pence, changed.pence_per_mile, changed.miles) == (450, 45, 10)
    back = change(changed, world.co_trainer, kind=ExpenseKind.PARKING, amount_pence=300)
    assert (back.amount_pence, back.pence_per_mile, back.miles) == (300, None, None)


def test_pay_expense_removed_by_a_lead_and_logged(world):
    claimed = expense(world.co_trainer)
    claimed_id = claimed.pk

    pay_services.expense_remove(expense=claimed, actor=world.lead)

    assert not Expense.objects.filter(pk=claimed_id).exists()
    entry = ContributionEntry.objects.get(action="pay.expense_remove")
    assert (entry.membership_id, entry.target_type, entry.target_id) == (
        world.lead.pk,
        "expense",
        claimed_id,
    )


def test_pay_expense_another_member_cannot_change_or_remove_it(world, other_world):
    claimed = expense(world.co_trainer)
    observer = MembershipFactory(organisation=world.organisation, role=Role.OBSERVER)
    co_trainer = MembershipFactory(organisation=world.organisation, role=Role.CO_TRAINER)
    log = ContributionEntry.objects.count()

    for actor in (observer, co_trainer, other_world.lead):
        with pytest.raises(PermissionDenied):
            change(claimed, actor)
        with pytest.raises(PermissionDenied):
            pay_services.expense_remove(expense=claimed, actor=actor)

    claimed.refresh_from_db()
    assert (claimed.kind, claimed.amount_pence) == (ExpenseKind.PARKING, 450)
    assert ContributionEntry.objects.count() == log


def test_pay_expense_in_a_closed_month_cannot_change_be_removed_or_move_into_one(world):
    in_may = expense(world.co_trainer)
    in_june = expense(world.co_trainer, day=date(2025, 6, 3))
    close(world, MAY)
    log = ContributionEntry.objects.count()

    with pytest.raises(ValidationError) as refused:
        change(in_may, world.lead)
    assert "May 2025 is closed for payments" in refused.value.message_dict["date"][0]
    with pytest.raises(ValidationError):
        pay_services.expense_remove(expense=in_may, actor=world.co_trainer)
    with pytest.raises(ValidationError):
        change(in_june, world.co_trainer, date=MAY)

    assert Expense.objects.filter(pk__in=[in_may.pk, in_june.pk]).count() == 2
    in_june.refresh_from_db()
    assert (in_june.date, in_june.amount_pence) == (date(2025, 6, 3), 450)
    assert ContributionEntry.objects.count() == log


def test_pay_expense_change_is_checked_like_a_claim(world):
    claimed = expense(world.co_trainer)

    with pytest.raises(ValidationError) as no_receipt:
        change(claimed, world.co_trainer, receipt_note="  ")
    with pytest.raises(ValidationError) as no_miles:
        change(claimed, world.co_trainer, kind=ExpenseKind.MILEAGE)

    assert "receipt_note" in no_receipt.value.message_dict
    assert "miles" in no_miles.value.message_dict


def test_pay_reopened_month_takes_changes_again_and_can_close_again(world):
    add_rate(world, 2000)
    entry = record(world.co_trainer)
    claimed = expense(world.co_trainer)
    closed = close(world, MAY)
    closed_id = closed.pk

    pay_services.pay_month_reopen(close=closed, actor=world.lead)

    assert not pay_selectors.month_is_closed(organisation=world.organisation, day=MAY)
    pay_services.payment_choice_set(entry=entry, payment=Payment.DONATED, actor=world.co_trainer)
    change(claimed, world.co_trainer)
    assert logged("pay.month_reopen") == [closed_id]
    assert close(world, MAY).month == date(2025, 5, 1)


def test_pay_only_a_lead_of_the_organisation_reopens_a_month(world, other_world):
    closed = close(world, MAY)
    log = ContributionEntry.objects.count()

    for actor in (world.co_trainer, other_world.lead):
        with pytest.raises(PermissionDenied):
            pay_services.pay_month_reopen(close=closed, actor=actor)

    assert pay_selectors.month_is_closed(organisation=world.organisation, day=MAY)
    assert ContributionEntry.objects.count() == log


def test_pay_expense_and_closed_month_lookups_stay_inside_the_organisation(world, other_world):
    claimed = expense(world.co_trainer)
    closed = close(world, MAY)

    with pytest.raises(Http404):
        pay_selectors.expense_get(membership=other_world.lead, pk=claimed.pk, everyone=True)
    with pytest.raises(Http404):
        pay_selectors.expense_get(membership=world.lead, pk=claimed.pk)
    with pytest.raises(Http404):
        pay_selectors.pay_month_close_get(organisation=other_world.organisation, pk=closed.pk)
    found = pay_selectors.expense_get(membership=world.lead, pk=claimed.pk, everyone=True)
    assert (found, found.is_closed) == (claimed, True)
