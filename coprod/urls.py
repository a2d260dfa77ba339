from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from workshops.views.accounts import PasswordResetConfirmView, PasswordResetView, SignInView
from workshops.views.health import healthz

handler400 = "workshops.views.errors.bad_request"
handler403 = "workshops.views.errors.permission_denied"
handler404 = "workshops.views.errors.page_not_found"
handler500 = "workshops.views.errors.server_error"


def favicon(request):
    # Browsers ask for /favicon.ico whatever a page links to. Not permanent, and looked up per
    # request: the file's hashed name changes with its content, and exists only after collectstatic.
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # For load balancers, compose and people on call: no sign-in, nothing secret.
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("workshops.urls")),
]
