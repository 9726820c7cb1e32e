"""The API's JSON bodies, checked once where they are parsed (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

Every endpoint takes an object (``{"field": value, …}``). A body that is a list, a string or a
number, nested deeper than any real request (100,000 ``[`` make the standard parser recurse until
it gives up), or with a NUL character in a value (PostgreSQL refuses it in a string) is a 400 that
names the field — ``non_field_errors`` for the shape of the body as a whole — never a 500 in the
view that expected ``request.data.get``."""

from __future__ import annotations

import codecs
import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deeply the brackets of a JSON text nest (strings ignored); without recursion."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b'""', raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def checked_body(data) -> dict:
    """``data`` (a parsed JSON body) if it is an object with no NUL characters; else a 400."""
    if not isinstance(data, dict):
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("The request body must be a JSON object.")]})
    problems = {
        str(key).replace("\x00", ""): [_("Null characters are not allowed.")]
        for key, value in data.items()
        if _has_nul(key) or _has_nul(value)
    }
    if problems:
        raise ValidationError(problems)
    return data


class ObjectJSONParser(JSONParser):
    """DRF's JSON parser, refusing what no endpoint takes (see the module's docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = (parser_context.get("encoding") or "utf-8").lower()
        raw = stream.read() if stream is not None else b""
        if json_depth(raw) > MAX_DEPTH:
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("The JSON is nested too deeply.")]})
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        return checked_body(data)


def _checked_form(data):
    problems = {
        name.replace("\x00", ""): [_("Null characters are not allowed.")]
        for name, values in data.lists()
        if "\x00" in name or any(isinstance(value, str) and "\x00" in value for value in values)
    }
    if problems:
        raise ValidationError(problems)
    return data


class CheckedFormParser(FormParser):
    """Form bodies of any method (a PATCH too): no NUL character in a field."""

    def parse(self, stream, media_type=None, parser_context=None):
        return _checked_form(super().parse(stream, media_type, parser_context))


class CheckedMultiPartParser(MultiPartParser):
    """Multipart bodies of any method: no NUL character in a field (uploaded files are checked by content)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _checked_form(parsed.data)
        return parsed
