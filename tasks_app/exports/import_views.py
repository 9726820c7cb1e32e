"""The import pages: upload a sheet, see what every row will do and every problem, confirm."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tasks_app.exports import imports
from tasks_app.exports.models import ImportStatus
from tasks_app.exports.sheets import sheet_response

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


def _importer_or_404(kind: str) -> imports.Importer:
    importer = imports.IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    return importer


def _importer_allowed(request, kind: str) -> imports.Importer:
    importer = _importer_or_404(kind)
    if not importer.may_import(request.user):
        raise PermissionDenied(_("You may not import this kind of sheet."))  # as the API: 403
    return importer


def import_upload(request, kind: str):
    importer = _importer_allowed(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = imports.import_job_create(importer=importer, user=request.user, upload=form.cleaned_data["file"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                return redirect("tasks_app:import_preview", pk=job.pk)
        status = 400
    jobs = request.user.import_jobs.filter(kind=importer.kind)[:10]
    return render(
        request, "exports/import_upload.html", {"importer": importer, "form": form, "jobs": jobs}, status=status
    )


def import_template(request, kind: str):
    importer = _importer_allowed(request, kind)
    try:
        spec = importer.template(request.user, request.GET)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tasks_app:import_upload", kind=kind)
    return sheet_response("xlsx", spec)


def import_preview(request, pk: int, *, status=200):
    job = get_object_or_404(request.user.import_jobs, pk=pk)
    importer = _importer_or_404(job.kind)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(
        request,
        "exports/import_preview.html",
        {
            "job": job,
            "importer": importer,
            "result": job.result,
            "running": running,
            "can_confirm": job.status == ImportStatus.PREVIEWED and not job.result.get("errors"),
            "background": job.rows_total > settings.CBEC_IMPORT_INLINE_ROWS,
        },
        status=status,
    )


@require_POST
def import_confirm(request, pk: int):
    job = get_object_or_404(request.user.import_jobs, pk=pk)
    if job.status != ImportStatus.PREVIEWED:
        messages.error(request, _("This import has already been confirmed."))
        return import_preview(request, pk, status=409)
    if job.result.get("errors"):
        messages.error(request, _("Correct the errors in the sheet and upload it again: nothing was saved."))
        return import_preview(request, pk, status=400)
    job = imports.import_job_confirm(job, request.user)
    if job.status == ImportStatus.DONE:
        messages.success(
            request,
            _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % job.result,
        )
    elif job.status == ImportStatus.FAILED:
        messages.error(request, _("Nothing was saved: the sheet has errors (see below)."))
        return import_preview(request, pk, status=400)
    else:
        messages.info(request, _("The sheet is being imported in the background; this page shows its progress."))
    return redirect("tasks_app:import_preview", pk=job.pk)
