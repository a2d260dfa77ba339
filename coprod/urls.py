from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workshops.views.accounts import PasswordResetConfirmView, PasswordResetView
from workshops.views.health import healthz

handler400 = "workshops.views.errors.bad_request"
handler403 = "workshops.views.errors.permission_denied"
handler404 = "workshops.views.errors.page_not_found"
handler500 = "workshops.views.errors.server_error"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
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
    path("", include("workshops.urls")),
]
