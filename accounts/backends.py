"""Permission checks without asking the database on every page."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from tasks_app.core.access import remembered


class RememberedPermissionsBackend(ModelBackend):
    """Django's model permissions (of the user and of the user's groups), remembered per user until
    membership or permissions change (``tasks_app.core.access.remembered``): the two queries every
    page made for ``has_perm``. It signs nobody in — ModelBackend after it does, and keeps the
    sessions it made valid — and it leaves the set where ModelBackend looks for it, so a check that
    goes on to ModelBackend asks nothing either."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = remembered(
                user_obj, "model-permissions", lambda: set(ModelBackend.get_all_permissions(self, user_obj))
            )
        return user_obj._perm_cache
