"""manage.py recycle_pool: return neglected customers to the isolation pool (SPEC §3).

Meant to run nightly from cron or a systemd timer (docs/operations.md). Safe to re-run and to
run on two servers at once: a PostgreSQL advisory lock lets one run work, the other exits 0.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from companylists import grades
from crm import services


class Command(BaseCommand):
    help = ("Return to the pool every customer not contacted for its grade's recycle days (settings: grades), "
            "or within POOL_CLAIM_PROBATION_HOURS of being claimed.")

    def handle(self, *args, **options):
        done = services.pool_recycle()
        if done is None:
            self.stdout.write("Another recycle_pool run holds the lock; nothing done.")
            return
        self.stdout.write(
            f"Recycled {sum(done.values())} customers to the pool: "
            + "".join(f"{done.get(g.key, 0)} {g.label_en} (no contact for {g.recycle_days} days), " for g in grades.all_grades())
            + f"{done['probation']} claimed but not contacted within {settings.POOL_CLAIM_PROBATION_HOURS} hours."
        )
