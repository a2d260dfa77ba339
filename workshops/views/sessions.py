"""Co-design sessions: schedule, join the live rooms, record, end; and time records."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops.enums import Payment, TimeActivity
from workshops.financial_year import (
    financial_year_bounds,
    financial_year_label,
    financial_year_of,
)
from workshops.forms.sessions import ConfirmSessionTimeForm, SessionForm, SessionRecordForm
from workshops.forms.time import TimeEntryForm
from workshops.rules import EDIT_CONTENT, MANAGE_MEMBERS, VIEW, can, can_write_live
from workshops.selectors.content import workshop_get
from workshops.selectors.members import memberships_by_id, organisation_members
from workshops.selectors.sessions import (
    attendance_minutes,
    live_section_get,
    session_agenda_sections,
    session_get,
    session_present,
    workshop_sessions,
)
from workshops.selectors.time import time_entries
from workshops.services import sessions as session_services
from workshops.services import time as time_services

from .base import ScopedView, add_service_errors
from .log import csv_safe
from .members import OrganisationScopedView


class WorkshopSessionsView(ScopedView):
    permission = VIEW

    scope = staticmethod(workshop_get)

    def _form(self, data=None):
        workshop = self.object
        return SessionForm(
            data,
            modules=list(workshop.modules.order_by("position")),
            members=list(organisation_members(organisation=self.organisation)),
            initial={"facilitator": self.membership.pk},
        )

    def get(self, request, pk, form=None, status=200):
        context = self.get_context_data(
            workshop=self.object,
            sessions=workshop_sessions(workshop=self.object),
            form=form or self._form(),
        )
        return render(request, "workshops/sessions.html", context, status=status)

    def post(self, request, pk):
        if not can(request.user, EDIT_CONTENT, self.object):
            raise PermissionDenied
        form = self._form(request.POST)
        if form.is_valid():
            try:
                session = session_services.session_create(
                    workshop=self.object, actor=self.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect(session)
        return self.get(request, pk, form=form, status=400)


class SessionScopedView(ScopedView):
    scope = staticmethod(session_get)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.object, workshop=self.object.workshop, **kwargs
        )


class SessionDetailView(SessionScopedView):
    permission = VIEW

    def get(self, request, pk, record_form=None, status=200):
        session = self.object
        minutes = attendance_minutes(session=session)
        members = memberships_by_id(organisation=self.organisation)
        confirmed = set(session.time_entries.values_list("membership_id", flat=True))
        context = self.get_context_data(
            agenda=session_agenda_sections(session=session),
            present=session_present(session=session),
            attendance=[
                {"member": members[pk], "minutes": m, "confirmed": pk in confirmed}
                for pk, m in sorted(
                    minutes.items(), key=lambda item: members[item[0]].user.full_name
                )
                if pk in members
            ],
            my_minutes=minutes.get(self.membership.pk),
            my_time_confirmed=self.membership.pk in confirmed,
            confirm_form=ConfirmSessionTimeForm(
                initial={"minutes": minutes.get(self.membership.pk) or 1, "payment": Payment.PAID}
            ),
            record_form=record_form
            or SessionRecordForm(
                initial={
                    "notes": session.notes,
                    "decisions": session.decisions,
                    "actions": session.actions,
                }
            ),
        )
        return render(request, "workshops/session_detail.html", context, status=status)


class SessionPresenceView(SessionScopedView):
    """Who is in the room now: polled by the session page."""

    permission = VIEW

    def get(self, request, pk):
        context = self.get_context_data(present=session_present(session=self.object))
        return render(request, "partials/presence.html", context)


class SessionRecordView(SessionDetailView):
    """Saves the record; on a form error, shows the session page again with the error."""

    permission = EDIT_CONTENT
    http_method_names = ["post"]

    def post(self, request, pk):
        form = SessionRecordForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, record_form=form, status=400)
        session_services.session_record_update(
            session=self.object, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Session record saved."))
        return redirect(self.object)


class SessionEndView(SessionScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]

    def post(self, request, pk):
        session_services.session_end(session=self.object, actor=self.membership)
        messages.success(
            request,
            _(
                "The session has ended. Everyone's words are saved, and attendance is ready to "
                "confirm as time."
            ),
        )
        return redirect(self.object)


class SessionConfirmTimeView(SessionScopedView):
    """A person confirms the time the session's attendance suggests, and how it is paid."""

    permission = VIEW
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ConfirmSessionTimeForm(request.POST)
        if form.is_valid():
            try:
                time_services.time_entry_create(
                    membership=self.membership,
                    date=timezone.localdate(self.object.starts_at),
                    minutes=form.cleaned_data["minutes"],
                    activity=TimeActivity.CO_DESIGN,
                    payment=form.cleaned_data["payment"],
                    session=self.object,
                    actor=self.membership,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your time for this session is recorded."))
        else:
            messages.error(request, _("Please give the minutes as a number from 1 to 1440."))
        return redirect(self.object)


class LiveSectionView(SessionScopedView):
    """The live editor for one section of the session's agenda."""

    permission = VIEW

    def get(self, request, pk, section_id):
        section = live_section_get(user=request.user, session=self.object, pk=section_id)
        can_write = can_write_live(request.user, self.object, section)
        scheme = "wss" if request.is_secure() else "ws"
        context = self.get_context_data(
            section=section,
            module=section.module,
            can_write=can_write,
            ws_url=f"{scheme}://{request.get_host()}/ws/live/sessions/{self.object.pk}/sections/{section.pk}",
            present=session_present(session=self.object),
        )
        return render(request, "workshops/live_section.html", context)


TIME_PAGE_SIZE = 100


class TimeRecordsView(OrganisationScopedView):
    """Each person's time; a lead sees everyone's and exports a financial year."""

    permission = VIEW

    def get(self, request, org_id, form=None, status=200):
        everyone = can(request.user, MANAGE_MEMBERS, self.object)
        entries = time_entries(
            organisation=self.object, membership=None if everyone else self.membership
        )
        page = Paginator(entries, TIME_PAGE_SIZE).get_page(request.GET.get("page"))
        this_year = financial_year_of(timezone.localdate())
        context = self.get_context_data(
            entries=page,
            page=page,
            everyone=everyone,
            form=form
            or TimeEntryForm(initial={"date": timezone.localdate(), "payment": Payment.PAID}),
            years=[(y, financial_year_label(y)) for y in range(this_year, this_year - 4, -1)],
        )
        return render(request, "workshops/time_records.html", context, status=status)

    def post(self, request, org_id):
        form = TimeEntryForm(request.POST)
        if not form.is_valid():
            return self.get(request, org_id, form=form, status=400)
        time_services.time_entry_create(
            membership=self.membership, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Time recorded. Thank you."))
        return redirect("time_records", org_id=org_id)


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
        rows = (
            time_entries(organisation=self.object, start=start, end=end)
            .order_by()
            .values(
                "membership__user__full_name",
                "membership__perspective",
                "activity",
                "payment",
            )
            .annotate(minutes=Sum("minutes"))
            .order_by("membership__user__full_name", "activity", "payment")
        )
        label = financial_year_label(year)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="time-{self.object.pk}-{label}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            ["financial_year", "person", "perspective", "activity", "payment", "minutes", "hours"]
        )
        for row in rows:
            writer.writerow(
                [
                    label,
                    csv_safe(row["membership__user__full_name"]),
                    row["membership__perspective"],
                    row["activity"],
                    row["payment"],
                    row["minutes"],
                    f"{row['minutes'] / 60:.2f}",
                ]
            )
        return response
