"""The Celery app: settings from Django's (namespace CELERY_), tasks found in the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_tracker.settings")

app = Celery("cbec_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
