"""Request bodies over the size limit answered with a page in plain words, not a bare 400; and
sign-in sessions that still owe a two-step code kept on that page."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import redirect
from django.urls import reverse

from workshops.selectors import two_factor as two_factor_selectors
from workshops.selectors.two_factor import SET_UP, VERIFY
from workshops.views.errors import request_too_big


class RequestTooBigMiddleware:
    """Reads a POST's form data before anything else does and answers 413 if it is too big.

    Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE only when the form data is first read,
    which for most pages is CsrfViewMiddleware's process_view; it then becomes a SuspiciousOperation
    (a bare 400, logged with a traceback as a security event). Every middleware's __call__ runs
    before any process_view, so reading it here, wherever this sits in MIDDLEWARE, comes first.
    The 413 is logged by django.request, as every refusal is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (read for its side effect: the size check)
            except RequestDataTooBig:
                return request_too_big(request)
        return self.get_response(request)


class TwoStepMiddleware:
    """After OTPMiddleware: a signed-in person whose session has given no code is sent to the
    code page if they have two-step sign-in on, or to set it up if an organisation requires it
    of them as a lead. Signing out and static files stay open to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified() or self._always_open(request.path):
            return self.get_response(request)
        needed = two_factor_selectors.two_step_needed(user=user)
        if needed == VERIFY and request.path != reverse("two_factor_verify"):
            url = reverse("two_factor_verify")
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        if needed == SET_UP and request.path != reverse("two_factor_setup"):
            return redirect("two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _always_open(path: str) -> bool:
        return path.startswith(f"/{settings.STATIC_URL.lstrip('/')}") or path == reverse("logout")
