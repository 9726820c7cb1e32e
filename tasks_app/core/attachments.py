"""Uploaded evidence and attachments: checked by size and by content, never by name alone."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
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
