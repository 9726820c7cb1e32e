UNREAD_SHOWN_UP_TO = 99  # the header says "99+" beyond this


def notifications(request):
    """The unread count in every page's header: one indexed query that stops counting at 100, so
    that an office with a million unread reminders does not pay for counting them on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = user.notifications.filter(read_at__isnull=True).order_by()[: UNREAD_SHOWN_UP_TO + 1].count()
    return {
        "unread_notifications": count,
        "unread_notifications_label": f"{UNREAD_SHOWN_UP_TO}+" if count > UNREAD_SHOWN_UP_TO else str(count),
    }
