"""Directory (LDAP) sign-in settings, read from the environment. Imported by the settings only when
LDAP_SERVER_URI is set, so python-ldap (requirements-ldap.txt) is needed only then."""

import json

from django.core.exceptions import ImproperlyConfigured

# The group names of departments.roles, repeated here: the settings import this module before the
# app registry is ready, and departments.roles imports the auth models (a test keeps them equal).
DEPARTMENT_GROUP_PREFIX = "department:"
DISTRICT_GROUP_PREFIX = "district:"
SUPERVISION_GROUP = "supervision-office"
LEADERSHIP_GROUP = "leadership"

BACKEND = "accounts.ldap_backend.DirectoryBackend"


def unit_groups(raw: str) -> dict[str, str]:
    """LDAP_UNIT_GROUPS: a JSON object {directory group DN: product group name}."""
    try:
        mapping = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"LDAP_UNIT_GROUPS is not valid JSON: {exc}") from exc
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ImproperlyConfigured('LDAP_UNIT_GROUPS must be a JSON object {"<group DN>": "department:<code>", ...}')
    for name in mapping.values():
        if not (
            name.startswith((DEPARTMENT_GROUP_PREFIX, DISTRICT_GROUP_PREFIX))
            or name in (SUPERVISION_GROUP, LEADERSHIP_GROUP)
        ):
            raise ImproperlyConfigured(
                f"LDAP_UNIT_GROUPS: {name!r} is not a unit group (department:<code>, district:<code>, "
                f"{SUPERVISION_GROUP} or {LEADERSHIP_GROUP})"
            )
    return {dn.strip().lower(): name for dn, name in mapping.items()}


def directory_settings(env) -> dict:
    """The AUTH_LDAP_* settings for django-auth-ldap, and LDAP_UNIT_GROUPS."""
    try:
        import ldap
        from django_auth_ldap.config import GroupOfNamesType, LDAPSearch
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but django-auth-ldap is not installed: pip install -r requirements-ldap.txt"
        ) from exc
    user_base = env.get("LDAP_USER_SEARCH_BASE", "")
    if not user_base:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_BASE must be set with LDAP_SERVER_URI")
    group_base = env.get("LDAP_GROUP_SEARCH_BASE", "")
    config = {
        "AUTH_LDAP_SERVER_URI": env["LDAP_SERVER_URI"],
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.get("LDAP_START_TLS", "").strip().lower() in {"1", "true", "yes", "on"},
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            user_base, ldap.SCOPE_SUBTREE, env.get("LDAP_USER_FILTER") or "(uid=%(user)s)"
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: 5, ldap.OPT_TIMEOUT: 10},
        "LDAP_UNIT_GROUPS": unit_groups(env.get("LDAP_UNIT_GROUPS", "")),
    }
    if group_base:
        config["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, env.get("LDAP_GROUP_FILTER") or "(objectClass=groupOfNames)"
        )
        config["AUTH_LDAP_GROUP_TYPE"] = GroupOfNamesType()
    return config


def backends(base: list[str]) -> list[str]:
    """The authentication backends with the directory's right before ModelBackend (django-axes'
    backend stays first: a locked-out account is refused before any password is checked)."""
    result = [b for b in base if b != BACKEND]
    result.insert(result.index("django.contrib.auth.backends.ModelBackend"), BACKEND)
    return result
