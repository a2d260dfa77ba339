"""Two-step sign-in: turning it on with an authenticator app, the code page after the password,
recovery codes, turning it off, and the rule a lead sets for the organisation's leads.

``workshops.middleware.TwoStepMiddleware`` keeps a signed-in person who owes a code (or must set
two-step sign-in up) on that page until they have done it: nothing else answers them, the admin
included.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.util import random_hex

from workshops.forms.two_factor import AppCodeForm, CodeForm, TwoStepRuleForm
from workshops.qr import qr_svg
from workshops.rules import MANAGE_MEMBERS
from workshops.selectors import two_factor as two_factor_selectors
from workshops.selectors.two_factor import VERIFY
from workshops.services import two_factor as two_factor_services
from workshops.throttle import throttle_allows, too_many_tries

from .base import OrganisationScopedView, ScopedFormView, add_service_errors

# The secret being set up, kept in the session until a right code turns it on.
SETUP_KEY_SESSION_KEY = "two_step_setup_key"
# Recovery codes just made: shown and downloadable for TWO_STEP_SHOW_CODES_SECONDS, then gone.
CODES_SESSION_KEY = "two_step_recovery_codes"
KEY_BYTES = 20  # as authenticator apps expect (RFC 4226's recommendation)


def _tries_allowed(request) -> bool:
    """Count one code try for the person: across all their devices and sessions."""
    return throttle_allows(f"two-step:user:{request.user.pk}")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _codes_keep(request, codes: list[str]) -> None:
    request.session[CODES_SESSION_KEY] = {"codes": codes, "made_at": time.time()}


def _codes_shown(request) -> list[str]:
    """The recovery codes just made, while they may still be shown; [] after."""
    kept = request.session.get(CODES_SESSION_KEY)
    if not kept:
        return []
    if time.time() - kept["made_at"] > settings.TWO_STEP_SHOW_CODES_SECONDS:
        del request.session[CODES_SESSION_KEY]
        return []
    return kept["codes"]


def _qr_svg(config_url: str) -> str:
    return qr_svg(config_url, title=_("QR code for your authenticator app"), svgclass="two-step-qr")


class CodeFormView(LoginRequiredMixin, FormView):
    """A page asking for a code: each POST counts one try for the person (429 past the limit);
    a refused code comes back beside the field with status 400."""

    form_class = CodeForm

    def post(self, request, *args, **kwargs):
        if not _tries_allowed(request):
            return too_many_tries(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return self.code_accepted(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)

    def code_accepted(self, form):
        raise NotImplementedError

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TwoStepVerifyView(CodeFormView):
    """The second page of signing in: a code from the app, or a recovery code."""

    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (
            request.user.is_verified()
            or two_factor_selectors.two_step_needed(user=request.user) != VERIFY
        ):
            return redirect(_safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def code_accepted(self, form):
        user = self.request.user
        device = two_factor_services.two_step_code_check(user=user, code=form.cleaned_data["code"])
        otp_login(self.request, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            messages.warning(
                self.request,
                ngettext(
                    "You used a recovery code. You have %(left)d left: make new ones from "
                    "“Signing in” before you run out.",
                    "You used a recovery code. You have %(left)d left: make new ones from "
                    "“Signing in” before you run out.",
                    left,
                )
                % {"left": left},
            )
        return redirect(_safe_next(self.request))

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request), **kwargs)


class TwoStepSetUpView(CodeFormView):
    """Turn two-step sign-in on: scan the QR code (or type the key), then type a code."""

    template_name = "registration/two_factor_setup.html"
    form_class = AppCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect("two_factor_manage")
        return super().dispatch(request, *args, **kwargs)

    def setup_key(self) -> str:
        session = self.request.session
        if not session.get(SETUP_KEY_SESSION_KEY):
            session[SETUP_KEY_SESSION_KEY] = random_hex(KEY_BYTES)
        return session[SETUP_KEY_SESSION_KEY]

    def code_accepted(self, form):
        device, codes = two_factor_services.totp_device_confirm(
            user=self.request.user, key=self.setup_key(), code=form.cleaned_data["code"]
        )
        del self.request.session[SETUP_KEY_SESSION_KEY]
        otp_login(self.request, device)
        _codes_keep(self.request, codes)
        messages.success(self.request, _("Two-step sign-in is on."))
        return redirect("two_factor_recovery_codes")

    def get_context_data(self, **kwargs):
        user = self.request.user
        details = two_factor_selectors.totp_setup_details(user=user, key=self.setup_key())
        status = two_factor_selectors.two_step_status(user=user)
        return super().get_context_data(
            qr_svg=_qr_svg(details["config_url"]),
            key_for_typing=details["key_for_typing"],
            required_by=status["required_by"],
            **kwargs,
        )


class TwoStepManageView(LoginRequiredMixin, TemplateView):
    """Whether two-step sign-in is on, recovery codes, turning it off, and the rule of each
    organisation the person leads."""

    template_name = "registration/two_factor_manage.html"

    def get_context_data(self, **kwargs):
        status = two_factor_selectors.two_step_status(user=self.request.user)
        return super().get_context_data(**status, **kwargs)


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """The recovery codes just made, shown once; POST: the person has kept them."""

    template_name = "registration/two_factor_recovery_codes.html"

    def post(self, request, *args, **kwargs):
        request.session.pop(CODES_SESSION_KEY, None)
        return redirect("two_factor_manage")

    def get_context_data(self, **kwargs):
        return super().get_context_data(codes=_codes_shown(self.request), **kwargs)


class RecoveryCodesNewView(LoginRequiredMixin, View):
    """POST: new recovery codes; the old ones stop working."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            codes = two_factor_services.recovery_codes_renew(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("two_factor_manage")
        _codes_keep(request, codes)
        messages.success(request, _("You have new recovery codes. The old ones no longer work."))
        return redirect("two_factor_recovery_codes")


class RecoveryCodesDownloadView(LoginRequiredMixin, View):
    """The recovery codes just made, as a plain text file."""

    def get(self, request, *args, **kwargs):
        codes = _codes_shown(request)
        if not codes:
            return redirect("two_factor_recovery_codes")
        lines = [
            _("coprod recovery codes for %(email)s") % {"email": request.user.email},
            _("Each works once, if you cannot use your phone to sign in."),
            "",
            *codes,
            "",
        ]
        response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="coprod-recovery-codes.txt"'
        response["Cache-Control"] = "no-store"
        return response


class TwoStepTurnOffView(CodeFormView):
    """Turn two-step sign-in off with a current code; refused while an organisation requires
    it of the person."""

    template_name = "registration/two_factor_turn_off.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_verified():
            return redirect("two_factor_manage")
        return super().dispatch(request, *args, **kwargs)

    def code_accepted(self, form):
        two_factor_services.two_step_turn_off(
            user=self.request.user, code=form.cleaned_data["code"]
        )
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(self.request, _("Two-step sign-in is off."))
        return redirect("sign_in_security")

    def get_context_data(self, **kwargs):
        status = two_factor_selectors.two_step_status(user=self.request.user)
        return super().get_context_data(required_by=status["required_by"], **kwargs)


class OrganisationTwoStepView(OrganisationScopedView, ScopedFormView):
    """A lead sets whether the organisation's leads must use two-step sign-in."""

    permission = MANAGE_MEMBERS
    form_class = TwoStepRuleForm
    template_name = "registration/two_factor_rule.html"
    title = gettext_lazy("Two-step sign-in for leads")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        return {"leads_need_two_step": self.object.leads_need_two_step}

    def save(self, form):
        return two_factor_services.organisation_two_step_set(
            organisation=self.object,
            leads_need_two_step=form.cleaned_data["leads_need_two_step"],
            actor=self.membership,
        )

    def get_success_url(self):
        return reverse("member_list", kwargs={"org_id": self.organisation.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.get_success_url(), **kwargs)
