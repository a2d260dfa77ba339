"""``/healthz``: whether this web process can work, for load balancers, compose and people on
call. No sign-in, nothing secret in the answer (see workshops/health.py)."""

import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from workshops import health

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 with every check's answer when none is failing, else 503 with the same answer."""
    report = health.health_report()
    failing = health.failing_checks(report)
    if not failing:
        return JsonResponse(report)
    logger.warning("Health check failing: %s", ", ".join(failing))
    return JsonResponse(report, status=503)
