"""Time records: each person records their time; a lead exports a financial year."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.csv_export import csv_response, csv_safe
from workshops.enums import Payment
from workshops.financial_year import financial_year_bounds, financial_year_label, financial_year_of
from workshops.forms.time import TimeEntryForm
from workshops.rules import MANAGE_MEMBERS, VIEW, can
from workshops.selectors.time import time_records_page, time_totals
from workshops.services import time as time_services

from .base import OrganisationScopedView, ScopedFormView

TIME_CSV_HEADER = [
    "financial_year", "person", "perspective", "activity", "payment", "minutes", "hours",
]  # fmt: skip


class TimeRecordsView(OrganisationScopedView, ScopedFormView):
    """Each person's time; a lead sees everyone's and exports a financial year."""

    permission = VIEW
    template_name = "workshops/time_records.html"
    form_class = TimeEntryForm
    success_message = _("Time recorded. Thank you.")

    def get_initial(self):
        return {"date": timezone.localdate(), "payment": Payment.PAID}

    def get_context_data(self, **kwargs):
        page = time_records_page(
            organisation=self.object,
            membership=self.membership,
            everyone=can(self.request.user, MANAGE_MEMBERS, self.object),
            page_number=self.request.GET.get("page"),
        )
        return super().get_context_data(**page, **kwargs)

    def save(self, form):
        return time_services.time_entry_create(
            membership=self.membership, actor=self.membership, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("time_records", kwargs={"org_id": self.object.pk})


class TimeRecordsCsvView(OrganisationScopedView):
    """Minutes per person, activity and payment for one UK financial year (April to March)."""

    permission = MANAGE_MEMBERS

    def get(self, request, org_id):
        try:
            year = int(request.GET.get("year", financial_year_of(timezone.localdate())))
        except ValueError:
            raise Http404 from None
        if not 2000 <= year <= 2100:
            raise Http404
        start, end = financial_year_bounds(year)
        label = financial_year_label(year)
        rows = (
            [
                label,
                csv_safe(row["person"]),
                row["perspective"],
                row["activity"],
                row["payment"],
                row["minutes"],
                f"{row['minutes'] / 60:.2f}",
            ]
            for row in time_totals(organisation=self.object, start=start, end=end)
        )
        return csv_response(
            filename=f"time-{self.object.pk}-{label}.csv", header=TIME_CSV_HEADER, rows=rows
        )
