"""Background tasks (django-tasks): deliveries go out from the worker, never inside a request."""

from django_tasks import task

from notifications import delivery


@task()
def deliver_due() -> dict:
    """Send every delivery that is due (see notifications.delivery)."""
    outcome = delivery.deliver_due()
    return {"sent": outcome.sent, "retrying": outcome.retrying, "failed": outcome.failed, "dropped": outcome.dropped}
