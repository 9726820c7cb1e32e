from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tasks_app.exports import services as exports
from tasks_app.exports.models import ExportStatus


def export_list(request):
    """The user's own exports: progress while they run, the file when ready."""
    jobs = list(request.user.export_jobs.all()[:50])
    running = any(job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for job in jobs)
    return render(request, "exports/export_list.html", {"jobs": jobs, "running": running})


def export_download(request, pk: int):
    job = get_object_or_404(request.user.export_jobs, pk=pk, status=ExportStatus.DONE)
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):  # removed from storage: gone, not a server error
        raise Http404 from None
    content_type = exports.CONTENT_TYPES.get(job.format, "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=content_type)


def describe_filters(filterset) -> str:
    """The filters of a page in words (责任部门：财政局 · 状态：进行中), for the title row of its export."""
    if filterset is None or not filterset.form.is_bound or not filterset.form.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}：{value}")
    return " · ".join(parts)


class SheetExportMixin:
    """A list page (django-filter + django-tables2) whose table exports as CSV and XLSX with the
    page's filters and sort (``?_export=csv|xlsx``): made while the user waits, or beyond
    ``CBEC_EXPORT_INLINE_ROWS`` rows by a worker, with progress on My exports and a notification.

    ``export_board`` names the registered source in ``exports.services.BOARDS``: a function
    ``(user, params) → (rows count, Sheet)`` that builds the same filtered, sorted list as the page.
    """

    export_board: str = ""

    def export_params(self) -> dict:
        params = {key: value for key, value in self.request.GET.items() if key != "_export"}
        return params | {"language": get_language() or settings.LANGUAGE_CODE}

    def render_to_response(self, context, **kwargs):
        fmt = self.request.GET.get("_export")
        if fmt not in exports.FORMATS:
            return super().render_to_response(context, **kwargs)
        params = self.export_params()
        total, spec = exports.BOARDS[self.export_board](self.request.user, params)
        if total > settings.CBEC_EXPORT_INLINE_ROWS:
            exports.export_job_start(user=self.request.user, board=self.export_board, fmt=fmt, params=params)
            messages.info(
                self.request,
                _(
                    "%(rows)s rows: the export is being made in the background. "
                    "You will get a notification when it is ready."
                )
                % {"rows": total},
            )
            return redirect("tasks_app:export_list")
        return exports.streamed_export(fmt, spec)
