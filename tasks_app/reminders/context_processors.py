UNREAD_SHOWN_UP_TO = 99  # the header says "99+" beyond this


def notifications(request):
    """The unread count in every page's header: one indexed query that stops counting at 100, so
    that an office with a million unread reminders does not pay for counting them on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: a table rendered inside the page (django-tables2's {% render_table %}) makes
    # its own RequestContext, which runs the context processors again.
    count = getattr(request, "_cbec_unread_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).order_by()[: UNREAD_SHOWN_UP_TO + 1].count()
        request._cbec_unread_count = count
    return {
        "unread_notifications": count,
        "unread_notifications_label": f"{UNREAD_SHOWN_UP_TO}+" if count > UNREAD_SHOWN_UP_TO else str(count),
    }
