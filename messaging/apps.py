from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging (WeCom, DingTalk)"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system check
