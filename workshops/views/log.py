"""The organisation's contribution log: filtered list, CSV export, monthly summary."""

from functools import cached_property

from django.http import JsonResponse
from django.utils import timezone

from workshops.checkpoints import checkpoint_make
from workshops.csv_export import csv_response, csv_safe
from workshops.forms.contributions import ContributionLogFilterForm
from workshops.rules import MANAGE_MEMBERS, VIEW_LOG
from workshops.selectors.contributions import (
    contribution_log_choices,
    contribution_log_export,
    contribution_log_page,
    contribution_summary,
)

from .base import OrganisationScopedView, ScopedTemplateView

LOG_CSV_HEADER = [
    "entry", "time", "person", "perspective", "action", "target_type", "target_id",
    "workshop_id", "module_id", "words_added", "words_removed", "entry_hash",
]  # fmt: skip


class ContributionLogMixin(OrganisationScopedView):
    """The log's filter form, shared by the list, its CSV and its summary."""

    permission = VIEW_LOG

    @cached_property
    def choices(self):
        return contribution_log_choices(organisation=self.object)

    @cached_property
    def filter_form(self):
        return ContributionLogFilterForm(
            self.request.GET or None,
            memberships=self.choices["people"],
            modules=self.choices["modules"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ContributionLogView(ContributionLogMixin, ScopedTemplateView):
    template_name = "workshops/contribution_log.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        page = contribution_log_page(
            organisation=self.object,
            page_number=self.request.GET.get("page"),
            **self.filter_form.filters(),
        )
        return super().get_context_data(query=query.urlencode(), **page, **kwargs)


class ContributionLogCsvView(ContributionLogMixin):
    def get(self, request, org_id):
        entries = contribution_log_export(organisation=self.object, **self.filter_form.filters())
        rows = (
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
            for entry in entries
        )
        stamp = timezone.localdate().isoformat()
        return csv_response(
            filename=f"contribution-log-{self.object.pk}-{stamp}.csv",
            header=LOG_CSV_HEADER,
            rows=rows,
            stream=True,
        )


class ContributionLogCheckpointView(ContributionLogMixin):
    """The log's checkpoint for this organisation, to keep outside coprod (leads only)."""

    permission = MANAGE_MEMBERS

    def get(self, request, org_id):
        checkpoint = checkpoint_make([self.object])
        stamp = timezone.localdate().isoformat()
        response = JsonResponse(checkpoint, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="coprod-log-checkpoint-{self.object.pk}-{stamp}.json"'
        )
        return response


class ContributionSummaryView(ContributionLogMixin, ScopedTemplateView):
    """Contributions per person per month: what a lead needs to credit and pay people."""

    template_name = "workshops/contribution_summary.html"

    def get_context_data(self, **kwargs):
        summary = contribution_summary(
            organisation=self.object,
            memberships=self.choices["members_by_id"],
            **self.filter_form.filters(),
        )
        return super().get_context_data(summary=summary, **kwargs)
