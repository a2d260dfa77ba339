"""A person's own sign-in: Django's password reset pages (throttled, the email sent in the
background), signing out everywhere, and their own copy of their data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from workshops.forms.members import EraseForm
from workshops.services import accounts as account_services
from workshops.services import data_rights as data_rights_services
from workshops.services import members as member_services
from workshops.services.data_rights import own_data_export
from workshops.throttle import address_key, email_key, throttle_allows, too_many_tries
from workshops.views.base import zip_response


class SignInView(auth_views.LoginView):
    """Django's sign-in, saying so on the next page: the message there takes the keyboard focus,
    so a screen reader hears that signing in worked."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        name = form.get_user().get_short_name()
        messages.success(self.request, _("Welcome, %(name)s.") % {"name": name})
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link. Answers the same for every address, account or not: the lookup
    and the email are a background job (``password_reset_request``)."""

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


class SignInSecurityView(LoginRequiredMixin, TemplateView):
    """A person's own sign-in: where to end every session they have open."""

    template_name = "registration/sign_in_security.html"

    def get_context_data(self, **kwargs):
        idle_hours = round(settings.SESSION_COOKIE_AGE / 3600)
        return super().get_context_data(idle_hours=idle_hours, **kwargs)


@login_required
@require_GET
def my_data(request):
    """The person's own copy of everything coprod holds about them, as a zip."""
    return zip_response(own_data_export(user=request.user), "my-coprod-data.zip")


class EraseAccountView(LoginRequiredMixin, FormView):
    """A person erases themselves: asked what happens to their words, then signed out."""

    template_name = "registration/erase_account.html"
    form_class = EraseForm

    def form_valid(self, form):
        user = self.request.user
        data_rights_services.person_erase(user=user, keep_words=form.cleaned_data["keep_words"])
        logout(self.request)
        return render(self.request, "registration/account_erased.html")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
@require_POST
def sign_out_everywhere(request):
    account_services.user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(
        request,
        _("You are signed out on every device, and any live room you had open has closed."),
    )
    return redirect("login")
