"""The scoped view bases every page is built on.

A scoped view is about one object in one organisation: ``scope`` names the selector that fetches
it (404 outside the user's organisations) and ``permission`` the action of ``workshops.rules``
the user's role must allow there (403 otherwise, as the object is theirs to know about).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin, View

from workshops.rules import EDIT_CONTENT, MANAGE_MEMBERS, VIEW_LOG, can, membership_of
from workshops.scope import containers_of, organisation_of
from workshops.selectors.members import organisation_get

CURRENT_ORGANISATION_SESSION_KEY = "current_organisation_id"
# For a page whose form posts to another view.
GET_ONLY = ["get", "head", "options"]


class ScopedView(LoginRequiredMixin, ContextMixin, View):
    permission = None
    # Also needed to POST, where a page is shown to more people than may use its form.
    post_permission = None
    # A selector called as scope(user=, pk=): the object, or 404 outside the user's organisations.
    scope = None
    pk_url_kwarg = "pk"

    def get_scoped_object(self):
        return self.scope(user=self.request.user, pk=self.kwargs[self.pk_url_kwarg])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.organisation = organisation_of(self.object)
        self.membership = membership_of(request.user, self.organisation)
        needed = [self.permission]
        if request.method == "POST" and self.post_permission is not None:
            needed.append(self.post_permission)
        if self.permission is None or not all(can(request.user, p, self.object) for p in needed):
            raise PermissionDenied
        self.load_related_objects()
        if request.session.get(CURRENT_ORGANISATION_SESSION_KEY) != self.organisation.pk:
            request.session[CURRENT_ORGANISATION_SESSION_KEY] = self.organisation.pk
        return super().dispatch(request, *args, **kwargs)

    def load_related_objects(self):
        """Look up other objects the page is about, within the scoped one (404 if missing)."""

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {
            "organisation": self.organisation,
            "membership": self.membership,
            "can_edit": can(user, EDIT_CONTENT, self.organisation),
            "can_manage_members": can(user, MANAGE_MEMBERS, self.organisation),
            "can_view_log": can(user, VIEW_LOG, self.organisation),
            # The breadcrumbs: the workshop and module the object is part of.
            **containers_of(self.object),
            **kwargs,
        }
        return super().get_context_data(**context)


class OrganisationScopedView(ScopedView):
    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"


class ScopedTemplateView(ScopedView, TemplateView):
    """A page about one scoped object; its data comes from one selector in get_context_data."""


class ScopedFormView(ScopedView, FormView):
    """A form about one scoped object.

    GET shows the form; a valid POST calls ``save(form)``, which calls one service and returns
    what it made or changed; a service's ValidationError is shown beside the fields it names.
    An invalid form is shown again with its errors and status 400, keeping what was typed.
    """

    template_name = "workshops/form_page.html"
    title = None
    success_message = None
    # The button's words: what pressing it does ("Save the module", not "Submit").
    submit_label = gettext_lazy("Save")

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_title(self):
        return self.title

    def get_success_message(self):
        return self.success_message

    def get_success_url(self):
        return (self.result or self.object).get_absolute_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.get_title())
        kwargs.setdefault("submit_label", self.submit_label)
        return super().get_context_data(**kwargs)


class ScopedConfirmView(ScopedFormView):
    """Asks "are you sure?" about one scoped object; the POST (with its CSRF token) does it."""

    form_class = forms.Form


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def add_service_errors(form, error):
    """Show a service's ValidationError beside the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def zip_response(data: bytes, filename: str) -> HttpResponse:
    """A zip download that no shared cache keeps: a person's own data."""
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
