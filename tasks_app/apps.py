from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_office_permissions(sender, **kwargs):
    # After every migrate: the office groups get the rights a new version adds (e.g. a new permission).
    from .permissions import office_permissions_sync

    office_permissions_sync()


class TasksAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks_app"
    verbose_name = _("Plan and key tasks")

    def ready(self):
        from . import changes

        post_migrate.connect(_sync_office_permissions, sender=self)
        changes.connect()
