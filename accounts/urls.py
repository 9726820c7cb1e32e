from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("security/", views.security, name="security"),
    path("security/sessions/<int:session_id>/revoke/", views.revoke_session, name="revoke_session"),
    path("security/sessions/revoke-others/", views.revoke_other_sessions, name="revoke_other_sessions"),
    path("security/tokens/<str:digest>/revoke/", views.revoke_token, name="revoke_token"),
]
