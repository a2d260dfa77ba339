from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import View

from workshops.rules import can, membership_of, organisation_of

CURRENT_ORGANISATION_SESSION_KEY = "current_organisation_id"


class ScopedView(LoginRequiredMixin, View):
    """A view about one object in one organisation, guarded by one permission of the table.

    ``scope`` names the selector that fetches the object (404 outside the user's
    organisations); ``permission`` names the action from ``workshops.rules`` that the user's
    role must allow there (403 otherwise, as the object is theirs to know about).
    """

    permission = None
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
        if self.permission is None or not can(request.user, self.permission, self.object):
            raise PermissionDenied
        if request.session.get(CURRENT_ORGANISATION_SESSION_KEY) != self.organisation.pk:
            request.session[CURRENT_ORGANISATION_SESSION_KEY] = self.organisation.pk
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            "organisation": self.organisation,
            "membership": self.membership,
            "can_edit": can(self.request.user, "edit_content", self.organisation),
            "can_manage_members": can(self.request.user, "manage_members", self.organisation),
            "can_view_log": can(self.request.user, "view_log", self.organisation),
            **kwargs,
        }


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def add_service_errors(form, error):
    """Show a service's ValidationError beside the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
