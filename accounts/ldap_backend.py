"""Directory sign-in: django-auth-ldap, plus the product's unit groups from the directory's groups."""

import logging

import ldap
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from . import services

log = logging.getLogger(__name__)


class DirectoryBackend(LDAPBackend):
    """On every directory sign-in the account's department / district groups are set to exactly what
    LDAP_UNIT_GROUPS maps its directory groups to: taken out of a directory group, the user loses the
    unit's access at the next sign-in. A wrong password returns None like any backend, so Django
    signals the failure and django-axes counts it."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        mapping = getattr(settings, "LDAP_UNIT_GROUPS", {})
        try:
            group_dns = ldap_user.group_dns if self.settings.GROUP_SEARCH else set()
            dn = ldap_user.dn
        except ldap.LDAPError as exc:
            # Without the groups the access could be stale: refuse rather than keep it.
            log.warning("LDAP group lookup failed for %s: %s", user.get_username(), exc)
            return None
        services.apply_directory_groups(user, group_dns, mapping)
        services.mark_directory_account(user, dn)
        return user
