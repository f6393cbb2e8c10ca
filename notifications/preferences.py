"""A person's notification preferences, with the company defaults (settings.NOTIFY_*) where
they never chose: read by the services that create notifications and by the delivery."""

from datetime import time

from django.conf import settings

from accounts.policies import has_sales_role
from notifications.models import Channel, Preference, Webhook


def preference_of(user) -> Preference:
    """The person's preferences (unsaved, with the company defaults, when they never chose)."""
    try:
        return user.notify_preference
    except Preference.DoesNotExist:
        return Preference(user=user)


def channels_for(preference: Preference, kind: str) -> set[str]:
    """Channels a kind goes to for this person: their choice, else the company's; in-app always."""
    chosen = preference.channels.get(kind) if kind in (preference.channels or {}) else settings.NOTIFY_DEFAULTS.get(kind, [])
    return {Channel.IN_APP, *(channel for channel in chosen if channel in Channel.values)}


def digest_time(preference: Preference) -> time:
    if preference.digest_at:
        return preference.digest_at
    hours, minutes = settings.NOTIFY_DIGEST_TIME.split(":")
    return time(int(hours), int(minutes))


def webhook_for(user) -> Webhook | None:
    """The person's own robot, else their sales group's."""
    hooks = {hook.user_id is not None: hook for hook in
             Webhook.objects.filter(user=user) | Webhook.objects.filter(sales_group_id=user.sales_group_id or 0)}
    return hooks.get(True) or hooks.get(False)


def may_receive(user) -> bool:
    return user is not None and user.is_active and has_sales_role(user)
