from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

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
