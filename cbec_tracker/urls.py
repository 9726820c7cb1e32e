from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.api import ObtainExpiringToken

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    # The language can be switched on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Expiring, revocable tokens (knox).
    path("api/v1/auth/token/", ObtainExpiringToken.as_view(), name="api-token"),
    path("api/v1/", include("tasks_app.api.urls")),
    path("calendar/", include("workdays.urls")),
    path("", include("tasks_app.urls")),
]
