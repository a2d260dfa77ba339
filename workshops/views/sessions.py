"""Co-design sessions: schedule, join the live rooms, record, end, confirm one's time."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.enums import Payment, TimeActivity
from workshops.forms.sessions import ConfirmSessionTimeForm, SessionForm, SessionRecordForm
from workshops.rules import EDIT_CONTENT, VIEW
from workshops.selectors.content import workshop_get
from workshops.selectors.sessions import (
    live_section_page,
    session_form_choices,
    session_get,
    session_page,
    session_present,
    workshop_sessions,
)
from workshops.services import sessions as session_services
from workshops.services import time as time_services

from .base import GET_ONLY, ScopedConfirmView, ScopedFormView, ScopedTemplateView, ScopedView


class WorkshopSessionsView(ScopedFormView):
    """The workshop's sessions, and (for those who may edit) the form to schedule one."""

    permission = VIEW
    post_permission = EDIT_CONTENT
    scope = staticmethod(workshop_get)
    template_name = "workshops/sessions.html"
    form_class = SessionForm
    success_message = _("Session scheduled.")

    def get_initial(self):
        return {"facilitator": self.membership.pk}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **session_form_choices(workshop=self.object)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.object, sessions=workshop_sessions(workshop=self.object), **kwargs
        )

    def save(self, form):
        return session_services.session_create(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )


class SessionScopedView(ScopedView):
    scope = staticmethod(session_get)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.object, workshop=self.object.workshop, **kwargs
        )


class SessionPageMixin(SessionScopedView, ScopedFormView):
    """The session page with its record form: shown by SessionDetailView, and shown again with
    the form's errors by SessionRecordView, where the form posts."""

    template_name = "workshops/session_detail.html"
    form_class = SessionRecordForm

    def get_initial(self):
        # Initial values rather than instance=: a refused save must leave the session as stored.
        session = self.object
        return {"notes": session.notes, "decisions": session.decisions, "actions": session.actions}

    def get_context_data(self, **kwargs):
        page = session_page(session=self.object, membership=self.membership)
        confirm_form = ConfirmSessionTimeForm(
            initial={"minutes": page["my_minutes"] or 1, "payment": Payment.PAID}
        )
        context = super().get_context_data(confirm_form=confirm_form, **page, **kwargs)
        context["record_form"] = context["form"]
        return context


class SessionDetailView(SessionPageMixin):
    permission = VIEW
    http_method_names = GET_ONLY


class SessionRecordView(SessionPageMixin):
    """Saves the record; on a form error, shows the session page again with the error."""

    permission = EDIT_CONTENT
    http_method_names = ["post"]
    success_message = _("Session record saved.")

    def save(self, form):
        return session_services.session_record_update(
            session=self.object, actor=self.membership, **form.cleaned_data
        )


class SessionPresenceView(SessionScopedView, ScopedTemplateView):
    """Who is in the room now: polled by the session page."""

    permission = VIEW
    template_name = "partials/presence.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(present=session_present(session=self.object), **kwargs)


class SessionEndView(SessionScopedView, ScopedConfirmView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]
    success_message = _(
        "The session has ended. Everyone's words are saved, and attendance is ready to "
        "confirm as time."
    )

    def save(self, form):
        return session_services.session_end(session=self.object, actor=self.membership)


class SessionConfirmTimeView(SessionScopedView, ScopedFormView):
    """A person confirms the time the session's attendance suggests, and how it is paid."""

    permission = VIEW
    http_method_names = ["post"]
    form_class = ConfirmSessionTimeForm
    success_message = _("Your time for this session is recorded.")

    def save(self, form):
        time_services.time_entry_create(
            membership=self.membership,
            date=timezone.localdate(self.object.starts_at),
            minutes=form.cleaned_data["minutes"],
            activity=TimeActivity.CO_DESIGN,
            payment=form.cleaned_data["payment"],
            session=self.object,
            actor=self.membership,
        )
        return self.object

    def form_invalid(self, form):
        # The form is a small one beside the attendance: say what went wrong at the top of
        # the session page rather than showing a page of its own.
        refused = form.non_field_errors()
        if not refused:
            refused = [_("Please give the minutes as a number from 1 to 1440.")]
        messages.error(self.request, " ".join(str(reason) for reason in refused))
        return redirect(self.object)


class LiveSectionView(SessionScopedView, ScopedTemplateView):
    """The live editor for one section of the session's agenda."""

    permission = VIEW
    template_name = "workshops/live_section.html"

    def get_context_data(self, **kwargs):
        session, request = self.object, self.request
        page = live_section_page(user=request.user, session=session, pk=self.kwargs["section_id"])
        scheme = "wss" if request.is_secure() else "ws"
        ws_url = (
            f"{scheme}://{request.get_host()}/ws/live/sessions/{session.pk}"
            f"/sections/{page['section'].pk}"
        )
        return super().get_context_data(ws_url=ws_url, **page, **kwargs)
