"""Request bodies over the size limit answered with a page in plain words, not a bare 400."""

from django.core.exceptions import RequestDataTooBig

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
