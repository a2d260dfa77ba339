from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

handler403 = "workshops.views.errors.permission_denied"
handler404 = "workshops.views.errors.page_not_found"
handler500 = "workshops.views.errors.server_error"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("workshops.urls")),
]
