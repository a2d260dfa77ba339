"""The organisation's contribution log: filtered list, CSV export, monthly summary."""

import csv

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from workshops.enums import Action
from workshops.forms.contributions import ContributionLogFilterForm
from workshops.rules import VIEW_LOG
from workshops.selectors.contributions import contribution_log, organisation_modules
from workshops.selectors.members import memberships_by_id

from .members import OrganisationScopedView

PAGE_SIZE = 50
_ACTION_LABELS = dict(Action.choices)


class ContributionLogMixin(OrganisationScopedView):
    permission = VIEW_LOG

    def filtered_entries(self):
        self.members = memberships_by_id(organisation=self.object)
        self.filter_form = ContributionLogFilterForm(
            self.request.GET or None,
            memberships=sorted(self.members.values(), key=lambda m: m.user.full_name),
            modules=organisation_modules(organisation=self.object),
        )
        filters = {}
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            filters = {
                "membership_id": data["person"],
                "module_id": data["module"],
                "action": data["action"],
                "date_from": data["date_from"],
                "date_to": data["date_to"],
            }
        return contribution_log(organisation=self.object, **filters)


class ContributionLogView(ContributionLogMixin):
    def get(self, request, org_id):
        entries = self.filtered_entries()
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        for entry in page:
            entry.action_label = _ACTION_LABELS.get(entry.action, entry.action)
        query = request.GET.copy()
        query.pop("page", None)
        context = self.get_context_data(
            page=page, filter_form=self.filter_form, query=query.urlencode()
        )
        return render(request, "workshops/contribution_log.html", context)


class _Echo:
    def write(self, value):
        return value


def csv_safe(value):
    """Spreadsheets run cells that start with these as formulas; a leading ' stops that."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ContributionLogCsvView(ContributionLogMixin):
    def get(self, request, org_id):
        entries = self.filtered_entries().order_by("pk")
        writer = csv.writer(_Echo())
        header = [
            "entry", "time", "person", "perspective", "action", "target_type", "target_id",
            "workshop_id", "module_id", "words_added", "words_removed", "entry_hash",
        ]  # fmt: skip

        def rows():
            yield writer.writerow(header)
            for entry in entries.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        entry.pk,
                        timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                        csv_safe(entry.membership.user.full_name),
                        entry.perspective,
                        entry.action,
                        entry.target_type,
                        entry.target_id,
                        entry.workshop_id or "",
                        entry.module_id or "",
                        entry.words_added,
                        entry.words_removed,
                        entry.entry_hash,
                    ]
                )

        stamp = timezone.localdate().isoformat()
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="contribution-log-{self.object.pk}-{stamp}.csv"'
        )
        return response


class ContributionSummaryView(ContributionLogMixin):
    """Contributions per person per month: what a lead needs to credit and pay people."""

    def get(self, request, org_id):
        rows = (
            self.filtered_entries()
            .order_by()
            .annotate(month=TruncMonth("created_at"))
            .values("month", "membership_id")
            .annotate(
                contributions=Count("pk"),
                words_added=Sum("words_added"),
                words_removed=Sum("words_removed"),
            )
            .order_by("-month", "membership_id")
        )
        summary = [{**row, "member": self.members.get(row["membership_id"])} for row in rows]
        context = self.get_context_data(summary=summary, filter_form=self.filter_form)
        return render(request, "workshops/contribution_summary.html", context)
