"""The client's address, read through the reverse proxies the site is configured to trust.

``TRUSTED_PROXY_COUNT`` (env) says how many proxies stand in front of the site. Each appends the
address it received the request from to X-Forwarded-For, so with N trusted proxies the client is the
N-th entry from the right; anything further left was written by the client and is not believed.
Without trusted proxies X-Forwarded-For is ignored and REMOTE_ADDR is the client. Used by django-axes
(``AXES_CLIENT_IP_CALLABLE``) and by the session list."""

import ipaddress

from django.conf import settings


def _parse(candidate: str) -> str | None:
    value = candidate.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # The request did not pass through every proxy we expect: trust only the connection.
        return remote
    return _parse(forwarded[-count]) or remote
