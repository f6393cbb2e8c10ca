"""The bell's unread count in the top bar of every page: one indexed count (notif_unread), only
for people who receive notifications, only when a page renders it, and never past BELL_MOST
("99+"): a person with thousands unread costs every page no more than one with a hundred."""

from django.utils.functional import SimpleLazyObject

from notifications.policies import may_receive_notifications, visible_notifications


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not may_receive_notifications(user):
        return {"notifications_bell": False}
    return {
        "notifications_bell": True,
        "notifications_unread": SimpleLazyObject(lambda: unread_label(user)),
    }


BELL_MOST = 99


def unread_label(user) -> str:
    """"" when nothing is unread, else the count, "99+" beyond BELL_MOST."""
    count = visible_notifications(user).filter(read_at__isnull=True)[:BELL_MOST + 1].count()
    return "" if not count else f"{BELL_MOST}+" if count > BELL_MOST else str(count)
