"""`manage.py check` warns about a channel that is half set up (some variables set, others missing
or invalid): such a channel is silently not used, which is easy to miss on a production host."""

from django.core.checks import Warning, register


@register()
def channels_complete(app_configs, **kwargs):
    from . import CHANNELS

    return [
        Warning(
            f"Messaging channel {name} is partly configured and will not be used: {'; '.join(channel.problems())}.",
            hint="Set all of its variables (see .env.example), or none.",
            id="messaging.W001",
        )
        for name, channel in CHANNELS.items()
        if channel.partly_configured()
    ]
