"""Fair pay pages: the rate card, each person's payment choices and expenses, closing months,
the funding pot, statements for benefits advisers and the payroll export."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workshops.csv_export import csv_response, csv_safe
from workshops.enums import ExpenseKind
from workshops.financial_year import financial_year_label, financial_year_of
from workshops.forms.pay import (
    ExpenseForm,
    FundingPotForm,
    MonthCloseForm,
    PaymentChoiceForm,
    PayRateForm,
)
from workshops.pay import month_start, pence_to_pounds, pounds_to_pence
from workshops.pdf.render import render_pdf
from workshops.rules import MANAGE_MEMBERS, VIEW, can
from workshops.selectors import pay as pay_selectors
from workshops.services import pay as pay_services

from .base import OrganisationScopedView, ScopedConfirmView, ScopedFormView

# How many financial years, this one first, the pages offer.
YEARS_OFFERED = 4


def _pence(value):
    return None if value is None else pounds_to_pence(value)


def _expense_fields(form):
    """An ExpenseForm's answers as the expense services take them (the amount in pence)."""
    data = form.cleaned_data
    return {
        "date": data["date"],
        "kind": data["kind"],
        "amount_pence": _pence(data["amount"]),
        "miles": data["miles"],
        "receipt_note": data["receipt_note"],
    }


def _year_from(request):
    """The financial year asked for (``?year=2026``), this one when none is; 404 for nonsense."""
    try:
        year = int(request.GET.get("year", financial_year_of(timezone.localdate())))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _years():
    this_year = financial_year_of(timezone.localdate())
    return [(y, financial_year_label(y)) for y in range(this_year, this_year - YEARS_OFFERED, -1)]


class PayPageMixin:
    """What every fair pay page links to: the other pay pages and the statement downloads."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=_years(), **kwargs)


class RateCardView(PayPageMixin, OrganisationScopedView, ScopedFormView):
    """Everyone sees the rates; a lead adds a row."""

    permission = VIEW
    post_permission = MANAGE_MEMBERS
    template_name = "pay/rate_card.html"
    form_class = PayRateForm
    success_message = _("Rate added. Time from that date in open months has been priced again.")

    def get_initial(self):
        return {"starts_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        page = pay_selectors.rate_card_page(organisation=self.object)
        return super().get_context_data(**page, **kwargs)

    def save(self, form):
        data = form.cleaned_data
        return pay_services.pay_rate_add(
            organisation=self.object,
            activity=data["activity"],
            unit=data["unit"],
            amount_pence=pounds_to_pence(data["amount"]),
            starts_on=data["starts_on"],
            actor=self.membership,
        )

    def get_success_url(self):
        return reverse("pay_rates", kwargs={"org_id": self.object.pk})


class PaymentChoicesView(PayPageMixin, OrganisationScopedView, ScopedFormView):
    """A person's own time with its amounts; in months still open, each entry has a form to
    change how it is paid. Each form's ids name its entry, so a page of them stays valid."""

    permission = VIEW
    template_name = "pay/choices.html"
    form_class = PaymentChoiceForm
    success_message = _("Your choice is saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        entry = self.request.POST.get("entry", "")
        if entry.isdigit():
            kwargs["auto_id"] = f"entry{entry}_id_%s"
        return kwargs

    def _row_form(self, entry, bound):
        if bound is not None and bound.is_bound and bound.data.get("entry") == str(entry.pk):
            return bound
        initial = {
            "entry": entry.pk,
            "payment": entry.payment,
            "reduced": pence_to_pounds(entry.reduced_pence),
        }
        return PaymentChoiceForm(initial=initial, auto_id=f"entry{entry.pk}_id_%s")

    def get_context_data(self, **kwargs):
        page = pay_selectors.payment_choices_page(membership=self.membership)
        bound = kwargs.get("form")
        page["rows"] = [(entry, self._row_form(entry, bound)) for entry in page["open_entries"]]
        if bound is not None and bound.is_bound and all(f is not bound for _, f in page["rows"]):
            # The entry's month closed while the page was open: its form is gone, so the
            # refusal is said above the others.
            page["refusals"] = [error for field in bound.errors for error in bound.errors[field]]
        people = pay_selectors.statement_people(organisation=self.object)
        everyone = can(self.request.user, MANAGE_MEMBERS, self.object)
        return super().get_context_data(**page, people=people if everyone else None, **kwargs)

    def save(self, form):
        data = form.cleaned_data
        entry = pay_selectors.own_time_entry_get(membership=self.membership, pk=data["entry"])
        return pay_services.payment_choice_set(
            entry=entry,
            payment=data["payment"],
            reduced_pence=_pence(data["reduced"]),
            actor=self.membership,
        )

    def get_success_url(self):
        return reverse("pay_choices", kwargs={"org_id": self.object.pk})


def _person_chosen(view):
    """Whose pay a page is about: one's own, or, for a lead, anyone's in the organisation
    (``?person=``); 403 for anyone else asking about another person."""
    person = view.request.GET.get("person")
    if person in (None, "", str(view.membership.pk)):
        return view.membership
    if can(view.request.user, MANAGE_MEMBERS, view.object):
        return pay_selectors.member_get(organisation=view.object, pk=person)
    raise PermissionDenied


class ExpensesView(PayPageMixin, OrganisationScopedView, ScopedFormView):
    """A person's own expenses, kept apart from payments, and a form to claim one; a lead may
    open anyone's (``?person=``) and claim for them, for instance from receipts handed in."""

    permission = VIEW
    template_name = "pay/expenses.html"
    form_class = ExpenseForm
    success_message = _("Expense claimed.")

    def get_initial(self):
        return {"date": timezone.localdate()}

    def load_related_objects(self):
        self.person = _person_chosen(self)

    def get_context_data(self, **kwargs):
        page = pay_selectors.expenses_page(membership=self.person)
        per_mile = pay_selectors.pence_per_mile(organisation=self.object, day=timezone.localdate())
        everyone = can(self.request.user, MANAGE_MEMBERS, self.object)
        people = pay_selectors.statement_people(organisation=self.object) if everyone else None
        return super().get_context_data(
            **page, pence_per_mile=per_mile, person=self.person, people=people, **kwargs
        )

    def save(self, form):
        return pay_services.expense_add(
            membership=self.person, actor=self.membership, **_expense_fields(form)
        )

    def get_success_url(self):
        url = reverse("pay_expenses", kwargs={"org_id": self.object.pk})
        return url if self.person == self.membership else f"{url}?person={self.person.pk}"


class ExpenseScopedMixin:
    """About one expense (``pk`` in the URL): the person's own, or for a lead anyone's in the
    organisation; 404 for the rest. Back to the expenses page when done or cancelled."""

    permission = VIEW

    def load_related_objects(self):
        self.expense = pay_selectors.expense_get(
            membership=self.membership,
            pk=self.kwargs["pk"],
            everyone=can(self.request.user, MANAGE_MEMBERS, self.object),
        )

    def get_success_url(self):
        url = reverse("pay_expenses", kwargs={"org_id": self.object.pk})
        mine = self.expense.membership_id == self.membership.pk
        return url if mine else f"{url}?person={self.expense.membership_id}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            expense=self.expense, back_url=self.get_success_url(), **kwargs
        )


class ExpenseEditView(ExpenseScopedMixin, OrganisationScopedView, ScopedFormView):
    """Change an expense while its month is open; a closed month's expense is only shown."""

    template_name = "pay/expense_edit.html"
    form_class = ExpenseForm
    success_message = _("Expense changed.")

    def get_initial(self):
        expense = self.expense
        mileage = expense.kind == ExpenseKind.MILEAGE
        return {
            "date": expense.date,
            "kind": expense.kind,
            "amount": None if mileage else pence_to_pounds(expense.amount_pence),
            "miles": expense.miles,
            "receipt_note": expense.receipt_note,
        }

    def save(self, form):
        return pay_services.expense_update(
            expense=self.expense, actor=self.membership, **_expense_fields(form)
        )


class ExpenseRemoveView(ExpenseScopedMixin, OrganisationScopedView, ScopedConfirmView):
    """Asks before taking an expense back; refused, with the reason, once its month is closed."""

    template_name = "pay/expense_remove.html"
    success_message = _("Expense removed.")

    def save(self, form):
        return pay_services.expense_remove(expense=self.expense, actor=self.membership)


class PayMonthsView(PayPageMixin, OrganisationScopedView, ScopedFormView):
    """A lead closes months for payment and downloads each month's payroll."""

    permission = MANAGE_MEMBERS
    template_name = "pay/months.html"
    form_class = MonthCloseForm
    success_message = _("Month closed. Its payments and expenses can no longer change.")

    def get_initial(self):
        return {"month": month_start(timezone.localdate())}

    def get_context_data(self, **kwargs):
        page = pay_selectors.pay_months_page(organisation=self.object)
        this_month = month_start(timezone.localdate())
        return super().get_context_data(**page, this_month=this_month, **kwargs)

    def save(self, form):
        return pay_services.pay_month_close(
            organisation=self.object, month=form.cleaned_data["month"], actor=self.membership
        )

    def get_success_url(self):
        return reverse("pay_months", kwargs={"org_id": self.object.pk})


class PayMonthReopenView(OrganisationScopedView, ScopedConfirmView):
    """A lead reopens a closed month, after saying yes, so a mistake can be mended."""

    permission = MANAGE_MEMBERS
    template_name = "pay/month_reopen.html"

    def load_related_objects(self):
        self.close = pay_selectors.pay_month_close_get(
            organisation=self.object, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(close=self.close, back_url=self.get_success_url(), **kwargs)

    def save(self, form):
        return pay_services.pay_month_reopen(close=self.close, actor=self.membership)

    def get_success_message(self):
        return gettext(
            "%(month)s is open again: people can change its payments and expenses. "
            "Close it again when it is put right."
        ) % {"month": date_format(self.close.month, "F Y")}

    def get_success_url(self):
        return reverse("pay_months", kwargs={"org_id": self.object.pk})


class FundingPotView(PayPageMixin, OrganisationScopedView, ScopedFormView):
    """A year's funding pot, what has been spent from it, and a warning when it runs low."""

    permission = MANAGE_MEMBERS
    template_name = "pay/funding.html"
    form_class = FundingPotForm
    success_message = _("Funding pot saved.")

    def load_related_objects(self):
        # The year comes from the address (``?year=``), for the page and for its form alike.
        self.year = _year_from(self.request)
        self.page = pay_selectors.funding_page(organisation=self.object, year=self.year)

    def get_initial(self):
        pot = self.page["pot"]
        if pot is None:
            return {}
        return {"name": pot.name, "amount": pence_to_pounds(pot.amount_pence)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page, **kwargs)

    def save(self, form):
        data = form.cleaned_data
        return pay_services.funding_pot_set(
            organisation=self.object,
            year=self.year,
            name=data["name"],
            amount_pence=pounds_to_pence(data["amount"]),
            actor=self.membership,
        )

    def get_success_url(self):
        url = reverse("pay_funding", kwargs={"org_id": self.object.pk})
        return f"{url}?year={self.result.year}"


class StatementMixin:
    """Whose statement: one's own, or, for a lead, anyone's in the organisation (``?person=``)."""

    permission = VIEW

    def statement(self, request):
        return pay_selectors.statement(membership=_person_chosen(self), year=_year_from(request))


STATEMENT_CSV_HEADER = [
    "financial_year", "person", "section", "date", "activity_or_kind", "minutes", "full_amount",
    "choice", "paid_amount", "receipt",
]  # fmt: skip


def _statement_rows(statement):
    label, person = statement["year_label"], csv_safe(statement["person"].user.full_name)
    for e in statement["entries"]:
        yield [
            label, person, "payment (income)", e.date.isoformat(), e.activity, e.minutes,
            pence_to_pounds(e.amount_pence), e.payment, pence_to_pounds(e.paid_pence), "",
        ]  # fmt: skip
    for x in statement["expenses"]:
        amount = pence_to_pounds(x.amount_pence)
        yield [
            label, person, "expense (not income)", x.date.isoformat(), x.kind, "",
            amount, "", amount, csv_safe(x.receipt_note),
        ]  # fmt: skip
    yield [label, person, "total payments (income)", "", "", "", "", "",
           pence_to_pounds(statement["payments_total"]), ""]  # fmt: skip
    yield [label, person, "total expenses (not income)", "", "", "", "", "",
           pence_to_pounds(statement["expenses_total"]), ""]  # fmt: skip


class StatementCsvView(StatementMixin, OrganisationScopedView):
    def get(self, request, org_id):
        statement = self.statement(request)
        return csv_response(
            filename=f"statement-{statement['person'].pk}-{statement['year_label']}.csv",
            header=STATEMENT_CSV_HEADER,
            rows=_statement_rows(statement),
        )


class StatementPdfView(StatementMixin, OrganisationScopedView):
    """The statement as a PDF, made in the request: it is a page or two of plain text."""

    def get(self, request, org_id):
        statement = self.statement(request)
        html = render_to_string(
            "pay/statement_pdf.html", {**statement, "organisation": self.object}, request=request
        )
        response = HttpResponse(render_pdf(html).data, content_type="application/pdf")
        filename = f"statement-{statement['person'].pk}-{statement['year_label']}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"  # a person's income, for them only
        return response


PAYROLL_CSV_HEADER = [
    "month", "person", "to_pay", "donated", "declined_entries", "volunteered_entries",
    "expenses_to_reimburse", "total_to_transfer",
]  # fmt: skip


class PayrollCsvView(OrganisationScopedView):
    """The payroll for one month (``?month=2026-05``) or, month by month, for a whole financial
    year (``?year=2026``): what to pay each person (paid and reduced amounts), what they
    donated (paid as 0), what they declined, and expenses to pay back, in separate columns."""

    permission = MANAGE_MEMBERS

    def get(self, request, org_id):
        if "year" in request.GET:
            year = _year_from(request)
            label = financial_year_label(year)
            found = pay_selectors.payroll_year(organisation=self.object, year=year)
        else:
            try:
                month = date.fromisoformat(f"{request.GET.get('month', '')}-01")
            except ValueError:
                month = month_start(timezone.localdate())
            label = month.strftime("%Y-%m")
            found = pay_selectors.payroll(organisation=self.object, month=month)
        rows = (
            [
                row["month"].strftime("%Y-%m"),
                csv_safe(row["person"]),
                pence_to_pounds(row["pay_pence"]),
                pence_to_pounds(row["donated_pence"]),
                row["declined"],
                row["volunteered"],
                pence_to_pounds(row["expenses_pence"]),
                pence_to_pounds(row["pay_pence"] + row["expenses_pence"]),
            ]
            for row in found
        )
        return csv_response(
            filename=f"payroll-{self.object.pk}-{label}.csv", header=PAYROLL_CSV_HEADER, rows=rows
        )
