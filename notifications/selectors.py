"""Reads of notifications and deliveries, starting from the policy."""

from django.db.models import Count, Q, QuerySet

from accounts.models import SalesGroup
from notifications.models import Delivery, Webhook
from notifications.policies import visible_notifications


def notification_list(user, *, unread_only=False) -> QuerySet:
    notifications = visible_notifications(user).order_by("-created_at", "-id")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def delivery_summary() -> list[dict]:
    """Per channel: how many were sent, are waiting or retrying, failed, dropped."""
    counts = {status: Count("pk", filter=Q(status=status)) for status in Delivery.Status.values}
    return list(Delivery.objects.values("channel").annotate(**counts).order_by("channel"))


def recent_problems(*, limit=50) -> QuerySet[Delivery]:
    return (Delivery.objects.filter(status__in=[Delivery.Status.RETRYING, Delivery.Status.FAILED, Delivery.Status.DROPPED])
            .select_related("notification__recipient", "webhook").order_by("-next_attempt_at", "-id")[:limit])


def robots() -> QuerySet[Webhook]:
    return Webhook.objects.select_related("user", "sales_group").order_by("pk")


def recently_sent(*, limit=50) -> QuerySet[Delivery]:
    return (Delivery.objects.filter(status=Delivery.Status.SENT).select_related("notification__recipient", "webhook")
            .order_by("-sent_at", "-id")[:limit])


def groups_with_robots() -> QuerySet[SalesGroup]:
    return SalesGroup.objects.select_related("webhook").order_by("name", "pk")
