"""The OpenAPI schema's error answers, stated once for every operation (a drf-spectacular
post-processing hook, SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

Every endpoint answers its refusals in the same shapes (tasks_app/core/api_errors.py,
tasks_app/core/request_guard.py, tasks_app/core/api_input.py):

* 400 — the input is malformed: ``{"field": ["message", …]}`` naming each field or query parameter,
  ``non_field_errors`` for the body as a whole, or ``{"detail": "…"}`` when the JSON cannot be read;
* 401 — no or an expired token; 403 — the caller sees the object but may not do this;
* 404 — not found, or not visible to the caller; 415 — a body in a format the operation does not
  read; 409 — not valid in the object's current state
  (a stale ``version``, a step that is not open now, a period already published).
"""

from __future__ import annotations

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        '{"detail": "message"}, or for a 400 {"field": ["message", …]} naming each field '
        "(non_field_errors: the request as a whole)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}, {"type": "object"}]
    },
}
ERROR_RESPONSES = {
    "400": "The input is malformed; the body names each field or query parameter.",
    "401": "No valid token or session.",
    "403": "The caller may see this but may not do it.",
    "404": "Not found, or not visible to the caller.",
    "409": "Not valid in the object's current state (e.g. a stale version).",
}
WITH_BODY = {"415": "The body's content type is not one the operation reads (JSON, form or multipart)."}
THROTTLED = {"429": "Too many failed sign-in attempts; the account is locked for a while."}
OPERATIONS = ("get", "post", "put", "patch", "delete")


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
    }


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in OPERATIONS:
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                extra.update(WITH_BODY)
            if path.endswith("/auth/token/"):
                extra.update(THROTTLED)
                extra.pop("401"), extra.pop("403")
            for code, description in extra.items():
                responses.setdefault(code, _error(description))
            _also_field_errors(responses.get("400"))
    return result


def _also_field_errors(response: dict | None) -> None:
    """An operation with its own 400 body (a sheet import's row-by-row result) still answers a
    malformed request with field errors: its 400 is either shape."""
    content = (response or {}).get("content", {}).get("application/json")
    error = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    if content and content.get("schema") not in (None, error) and "anyOf" not in content["schema"]:
        content["schema"] = {"anyOf": [error, content["schema"]]}
