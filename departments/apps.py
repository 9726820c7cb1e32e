from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "departments"
    verbose_name = _("Departments and districts")

    def ready(self):
        from departments import selectors  # noqa: F401 - connects the government-count receivers
