"""The bell's unread count in the top bar of every page: one indexed count (notif_unread), only
for people who receive notifications, only when a page renders it."""

from django.utils.functional import SimpleLazyObject

from notifications.policies import may_receive_notifications, visible_notifications


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not may_receive_notifications(user):
        return {"notifications_bell": False}
    return {
        "notifications_bell": True,
        "notifications_unread": SimpleLazyObject(lambda: visible_notifications(user).filter(read_at__isnull=True).count()),
    }
