"""Sending what waits in Delivery: after each notification's commit (a task) and every minute
from cron (`manage.py notify_deliver`, for retries and quiet hours' end).

- Each delivery is taken FOR UPDATE SKIP LOCKED and marked in the same transaction as its send,
  so two workers never take the same one and a sent one is never taken again: a re-run sends
  nothing twice.
- A failure is retried with exponential back-off (NOTIFY_RETRY_SECONDS x 2^(attempt-1)) up to
  NOTIFY_MAX_ATTEMPTS, then marked failed. A channel that fails (the SMTP server, one robot)
  is left alone for the rest of the run: its messages wait, the others go.
- In the person's quiet hours a message waits for their end; one older than
  NOTIFY_MAX_AGE_HOURS, or past its own `stale_after` (a plan reminder after the plan started),
  is dropped with a log line instead of being sent late.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from notifications import channels, kinds
from notifications.models import Channel, Delivery
from notifications.preferences import preference_of

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    waiting: int = 0
    down: set = field(default_factory=set)


def quiet_until(preference, now: datetime) -> datetime | None:
    """When the person's quiet hours end, if `now` is inside them (they may span midnight)."""
    start, end = preference.quiet_from, preference.quiet_until
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


def _endpoint(delivery) -> str:
    return f"webhook:{delivery.webhook_id}" if delivery.channel == Channel.WEBHOOK else delivery.channel


def deliver_due(*, now=None, limit: int = 500) -> Outcome:
    outcome = Outcome()
    for _ in range(limit):
        with transaction.atomic():
            due = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("notification__recipient", "webhook")
                   .filter(status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING],
                           next_attempt_at__lte=now or timezone.now())
                   .order_by("next_attempt_at", "id"))
            for endpoint in outcome.down:
                due = due.exclude(webhook_id=int(endpoint.split(":")[1])) if endpoint.startswith("webhook:") \
                    else due.exclude(channel=endpoint)
            delivery = due.first()
            if delivery is None:
                return outcome
            _deliver(delivery, now=now or timezone.now(), outcome=outcome)
    return outcome


def _deliver(delivery: Delivery, *, now, outcome: Outcome) -> None:
    notification = delivery.notification
    recipient = notification.recipient
    stale_after = (notification.params or {}).get("stale_after")  # e.g. a plan reminder: its plan's start
    too_old = now - notification.created_at > timedelta(hours=settings.NOTIFY_MAX_AGE_HOURS)
    if too_old or (stale_after and now > datetime.fromisoformat(stale_after)):
        delivery.status = Delivery.Status.DROPPED
        delivery.save(update_fields=["status"])
        log.info("delivery %s (%s, notification %s) dropped: %s", delivery.pk, delivery.channel, notification.pk,
                 f"older than {settings.NOTIFY_MAX_AGE_HOURS} hours" if too_old else "no longer useful")
        outcome.dropped += 1
        return
    preference = preference_of(recipient)
    wait = quiet_until(preference, now)
    if wait is not None:
        delivery.next_attempt_at = wait
        delivery.save(update_fields=["next_attempt_at"])
        outcome.waiting += 1
        return
    link = f"{settings.NOTIFY_SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    delivery.attempts += 1
    try:
        with translation.override(preference.language or settings.LANGUAGE_CODE):
            text = kinds.text(notification)
            if delivery.channel == Channel.EMAIL:
                if not recipient.email:
                    raise channels.SendFailed("e-mail: the person has no address")
                channels.send_email(to=recipient.email, text=text, url=link)
            else:
                channels.send_webhook(webhook=delivery.webhook, text=text, url=link)
    except channels.SendFailed as error:
        outcome.down.add(_endpoint(delivery))
        delivery.last_error = str(error)[:500]
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            outcome.failed += 1
            log.warning("delivery %s (%s) failed after %s attempts: %s", delivery.pk, delivery.channel,
                        delivery.attempts, delivery.last_error)
        else:
            delivery.status = Delivery.Status.RETRYING
            delivery.next_attempt_at = now + timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (delivery.attempts - 1))
            outcome.retrying += 1
    else:
        delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
        outcome.sent += 1
    delivery.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
