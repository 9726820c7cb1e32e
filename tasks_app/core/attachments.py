"""Uploaded evidence and attachments: checked by size and by content on the way in, and served with
the type their content shows on the way out — never by name alone."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What offices exchange: PDF and OFD-free office documents, scans and photos.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
}
SNIFF_BYTES = 8192
# What a stored file can be served as: an accepted type, or opaque bytes.
SERVED_TYPES = [*ALLOWED_TYPES, "application/octet-stream"]


def checked_upload(upload, *, field: str):
    """Return (file, original name) or raise ValidationError naming the field."""
    limit = settings.CBEC_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                field: _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            }
        )
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {
                field: _("This kind of file is not accepted. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(set(ALLOWED_TYPES.values())))}
            }
        )
    name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    return upload, name


def served_content_type(head: bytes, name: str = "") -> str:
    """The type a stored file is served with: what its first bytes show, if it is a kind the product
    accepts; anything else is opaque bytes. Never what its name claims (a PDF named x.html is a PDF;
    HTML named x.pdf is not served as HTML)."""
    kind = filetype.guess(head) if head else None
    if kind is not None and kind.mime in ALLOWED_TYPES:
        return kind.mime
    return "application/octet-stream"


def stored_file_response(field_file, filename: str) -> FileResponse:
    """A download of an uploaded file (evidence, an update's attachment): always as an attachment,
    typed by its content, and with ``X-Content-Type-Options: nosniff`` so no browser guesses again."""
    handle = field_file.open("rb")
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "file", content_type=served_content_type(head, filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
