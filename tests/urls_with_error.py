"""The site's URLs plus one test-only view that fails, to see the 500 page a person would see."""

from django.urls import path

from coprod.urls import urlpatterns as site_urlpatterns

handler403 = "workshops.views.errors.permission_denied"
handler404 = "workshops.views.errors.page_not_found"
handler500 = "workshops.views.errors.server_error"

FAILURE_DETAIL = "KeyError in the secret internal machinery"


def fail(request):
    raise RuntimeError(FAILURE_DETAIL)


urlpatterns = [path("test-only/fail/", fail, name="test_only_fail"), *site_urlpatterns]
