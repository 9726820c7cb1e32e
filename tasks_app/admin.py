"""The Django admin: each concern registers its own models in its ``admin`` module."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tasks_app.assessment import admin as assessment_admin  # noqa: F401
from tasks_app.core import admin as core_admin  # noqa: F401
from tasks_app.dashboards import admin as dashboards_admin  # noqa: F401
from tasks_app.exports import admin as exports_admin  # noqa: F401
from tasks_app.plan import admin as plan_admin  # noqa: F401
from tasks_app.reminders import admin as reminders_admin  # noqa: F401
from tasks_app.workflow import admin as workflow_admin  # noqa: F401

admin.site.site_header = _("CBEC Plan Tracker administration")
admin.site.site_title = _("CBEC Plan Tracker")
