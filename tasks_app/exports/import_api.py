"""The import API: ``POST /api/v1/<kind>/import/`` (multipart ``file``, ``dry_run`` true|false) and
``GET /api/v1/<kind>/import/template/``. The answer counts what the sheet does (``created``,
``updated``, ``unchanged``) and lists every problem (``errors``: ``row``, ``column``, ``message``);
with errors nothing is written (400 when it was not a dry run)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tasks_app.exports import imports
from tasks_app.exports.import_views import MAX_UPLOAD_BYTES
from tasks_app.exports.sheets import sheet_response


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError("The file is larger than 20 MB.")
        return upload


ImportResultSerializer = inline_serializer(
    "ImportResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "dry_run": serializers.BooleanField(),
        "errors": serializers.ListField(
            child=inline_serializer(
                "ImportRowError",
                {
                    "row": serializers.IntegerField(),
                    "column": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            )
        ),
    },
)


def _importer(request, kind: str) -> imports.Importer:
    importer = imports.IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    if not importer.may_import(request.user):
        raise PermissionDenied(_("You may not import this kind of sheet."))
    return importer


@extend_schema(
    request={"multipart/form-data": ImportRequestSerializer},
    responses={200: ImportResultSerializer, 400: ImportResultSerializer, 403: OpenApiResponse()},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def import_sheet(request, kind: str):
    importer = _importer(request, kind)
    serializer = ImportRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    upload, dry_run = serializer.validated_data["file"], serializer.validated_data["dry_run"]
    try:
        rows = imports.read_rows(importer, upload)
    except ValidationError as error:
        raise ApiValidationError({"file": error.messages}) from None
    if dry_run:
        result, _actions = imports.import_check(importer, request.user, rows)
    else:
        result = imports.import_apply(importer, request.user, rows)
    body = result.as_dict()
    body.pop("rows", None)
    body["dry_run"] = dry_run
    return Response(body, status=400 if result.errors and not dry_run else 200)


@extend_schema(
    parameters=[OpenApiParameter("task", int, required=False, description="a key task's number")],
    responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
)
@api_view(["GET"])
def import_template(request, kind: str):
    importer = _importer(request, kind)
    try:
        spec = importer.template(request.user, request.query_params)
    except ValidationError as error:
        raise ApiValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None
    return sheet_response("xlsx", spec)
