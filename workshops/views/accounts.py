"""Django's own password reset pages, throttled, with the email sent in the background."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect

from workshops.services import members as member_services
from workshops.throttle import address_key, email_key, throttle_allows, too_many_tries


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link. Answers the same for every address, account or not: the lookup
    and the email are a background job (``password_reset_request``)."""

    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        if not throttle_allows(address_key("reset", request), email_key("reset", email)):
            return too_many_tries(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        member_services.password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link: tries at it are counted per address, so links cannot be guessed at."""

    def dispatch(self, request, *args, **kwargs):
        if not throttle_allows(address_key("reset-link", request)):
            return too_many_tries(request)
        return super().dispatch(request, *args, **kwargs)
