"""manage.py notify_deliver: send e-mails and robot messages that are due (retries, the end of
quiet hours). Run every minute from cron or a systemd timer; safe on several servers at once
(each delivery is taken with FOR UPDATE SKIP LOCKED)."""

from django.core.management.base import BaseCommand

from notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the notification deliveries that are due (e-mail, group robots), with retries."

    def handle(self, *args, **options):
        outcome = deliver_due()
        self.stdout.write(f"Sent {outcome.sent}, retrying {outcome.retrying}, failed {outcome.failed}, "
                          f"dropped {outcome.dropped}, waiting for quiet hours to end {outcome.waiting}.")
