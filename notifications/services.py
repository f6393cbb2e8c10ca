"""Writes of notifications: creating one (idempotent by key), reading, preferences, the calendar
token. Every notification is created by the operation that causes it, in its transaction, or by
a scheduled job; outside channels get a Delivery each, sent after commit by the task worker."""

import secrets

from django.db import transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import CalendarFeed, Channel, Delivery, Notification, Preference, Webhook
from notifications.preferences import channels_for, may_receive, preference_of, webhook_for


def notify(*, recipient, kind: str, key: str, params: dict, url: str = "", now=None) -> Notification | None:
    """Tell `recipient` once per `key`: a second call with the same key (a job run twice, a retried
    operation) finds the first notification and does nothing. None when nothing was created."""
    if not may_receive(recipient):
        return None
    notification, created = Notification.objects.get_or_create(
        recipient=recipient, key=key[:120],
        defaults={"kind": kind, "params": params, "url": url[:300], "created_at": now or timezone.now()},
    )
    if not created:
        return None
    _add_deliveries(notification)
    return notification


def _add_deliveries(notification: Notification) -> None:
    recipient = notification.recipient
    channels = channels_for(preference_of(recipient), notification.kind)
    due = notification.created_at
    rows = []
    if Channel.EMAIL in channels and recipient.email:
        rows.append(Delivery(notification=notification, channel=Channel.EMAIL, next_attempt_at=due))
    if Channel.WEBHOOK in channels:
        hook = webhook_for(recipient)
        if hook is not None:
            rows.append(Delivery(notification=notification, channel=Channel.WEBHOOK, webhook=hook, next_attempt_at=due))
    if rows:
        Delivery.objects.bulk_create(rows)
        transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    tasks.deliver_due.enqueue()


def mark_read(*, notification: Notification, by) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, by) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_save(*, preference: Preference, by) -> Preference:
    preference.user = by
    preference.save()
    return preference


@transaction.atomic
def webhook_save(*, webhook: Webhook, by) -> Webhook:
    webhook.save()
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook, by) -> None:
    webhook.delete()


@transaction.atomic
def feed_token_regenerate(*, by) -> str:
    """A new secret calendar address for `by`; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=by, defaults={"token": token, "created_at": timezone.now()})
    return token


@transaction.atomic
def feed_token_revoke(*, by) -> None:
    CalendarFeed.objects.filter(user=by).delete()
