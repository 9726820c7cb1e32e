from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_office_permissions(sender, **kwargs):
    # After every migrate: the office groups get the rights a new version adds (e.g. a new permission).
    from tasks_app.plan.permissions import office_permissions_sync

    office_permissions_sync()


class TasksAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks_app"
    verbose_name = _("Plan and key tasks")

    def ready(self):
        # Connect each concern's signal receivers (docs/architecture.md: a lower concern announces,
        # a higher one listens).
        from tasks_app.assessment import figure_sheet, plan_file  # noqa: F401 - figure_sheet: export and import
        from tasks_app.core import changes, text
        from tasks_app.plan import permissions as plan_permissions  # noqa: F401
        from tasks_app.reminders import services as reminders_services  # noqa: F401
        from tasks_app.workflow import milestone_sheet  # noqa: F401 - the milestone export and import
        from tasks_app.workflow import permissions as workflow_permissions  # noqa: F401

        post_migrate.connect(_sync_office_permissions, sender=self)
        changes.connect()
        text.connect()
