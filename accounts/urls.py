from django.urls import path

from . import membership_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("security/", views.security, name="security"),
    path("security/sessions/<int:session_id>/revoke/", views.revoke_session, name="revoke_session"),
    path("security/sessions/revoke-others/", views.revoke_other_sessions, name="revoke_other_sessions"),
    path("security/tokens/<str:digest>/revoke/", views.revoke_token, name="revoke_token"),
    path("members/", membership_views.members_index, name="members_index"),
    path("members/<str:kind>/<slug:code>/", membership_views.members_unit, name="members_unit"),
    path(
        "members/<str:kind>/<slug:code>/<int:user_id>/remove/",
        membership_views.members_remove,
        name="members_remove",
    ),
    path(
        "members/accounts/<int:user_id>/deactivate/",
        membership_views.account_active,
        {"active": False},
        name="account_deactivate",
    ),
    path(
        "members/accounts/<int:user_id>/reactivate/",
        membership_views.account_active,
        {"active": True},
        name="account_reactivate",
    ),
    path("stand-ins/", membership_views.stand_ins, name="stand_ins"),
    path("stand-ins/<int:pk>/cancel/", membership_views.stand_in_cancel, name="stand_in_cancel"),
]
