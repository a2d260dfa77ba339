"""Pages for the site's operators (Django staff users), who set organisations up.

To everyone else these pages are not there: 404, the same as an address that matches nothing.
"""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.views.generic import FormView

from workshops.forms.members import OrganisationCreateForm
from workshops.services import organisations as organisation_services

from .base import add_service_errors


class OperatorView(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrganisationCreateView(OperatorView, FormView):
    """A new organisation and its first lead's invitation; the page then shows the link to give
    the lead, once (nothing is emailed)."""

    template_name = "workshops/operator_organisation_create.html"
    form_class = OrganisationCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation = organisation_services.organisation_create(
                name=data["name"],
                lead_email=data["lead_email"],
                lead_name=data["lead_name"],
                lead_perspective=data["lead_perspective"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        # Shown on this response rather than after a redirect: the link is a credential, kept
        # nowhere but the invitation itself.
        return self.render_to_response(
            self.get_context_data(form=self.form_class(), invitation=invitation)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_days=settings.INVITATION_VALID_DAYS, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
