"""The states of the company `manage.py bench` measures in (issue 21.5).

- warm: the pages as they are, each warmed up first (the default).
- morning: straight after the nightly jobs (`recycle_pool`, then `refresh_reports`, as cron runs
  them: docs/operations.md), as the first visitor of the morning meets the pages. The jobs run
  for real and commit, as they would at night. The bench never ANALYZEs: fresh statistics are
  the jobs' own duty, and this phase shows whether they do it.
- recycled: straight after a recycle that returned a large share of the company's customers to
  the pool (the first recycle of a freshly seeded million-customer company moves about 300,000),
  then `refresh_reports`. The recycle days are set for the run so that `share` of all customers
  are due; everything, the recycle included, happens in one transaction rolled back at the end,
  so the company can be measured again.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO
from time import perf_counter

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from companylists import grades
from companylists.models import Grade
from crm.models import Customer

PHASES = ("warm", "morning", "recycled")
NIGHTLY_JOBS = ("recycle_pool", "refresh_reports")


@dataclass
class Phase:
    name: str
    jobs: list[dict] = field(default_factory=list)  # {"job", "seconds", "said"}, in the order run
    moved: int | None = None  # customers the recycle returned to the pool


def run_job(phase: Phase, job: str) -> None:
    """Run a management command as cron would, timed, and keep its last line."""
    out = StringIO()
    started = perf_counter()
    call_command(job, stdout=out)
    said = out.getvalue().strip().splitlines()
    phase.jobs.append({"job": job, "seconds": round(perf_counter() - started, 2), "said": said[-1] if said else ""})


@contextmanager
def entered(name: str, *, recycle_share: float):
    """Bring the company into phase `name` for the measurements inside the block."""
    phase = Phase(name)
    if name == "warm":
        yield phase
    elif name == "morning":
        for job in NIGHTLY_JOBS:
            run_job(phase, job)
        yield phase
    elif name == "recycled":
        with transaction.atomic():
            owned_before = Customer.objects.filter(owner__isnull=False).count()
            days = days_due(recycle_share)
            # One connection (the transaction's): the recycle's worker threads would not see it.
            # Every grade recycles after `days` (the company's grade list, rolled back with the rest).
            Grade.objects.update(recycle_days=days)
            grades.forget()
            with override_settings(POOL_RECYCLE_WORKERS=1):
                run_job(phase, "recycle_pool")
            run_job(phase, "refresh_reports")
            phase.moved = owned_before - Customer.objects.filter(owner__isnull=False).count()
            yield phase
            transaction.set_rollback(True)
        grades.forget()  # the grades as they were
    else:
        raise ValueError(f"Unknown phase {name!r}: choose from {', '.join(PHASES)}.")


def days_due(share: float) -> int:
    """The recycle days that make about `share` of all customers due (owned, not key customers,
    no contact for that many days), counted as `recycle_pool` counts them; 1 at the least."""
    wanted = int(Customer.objects.count() * share)
    if wanted <= 0:
        return 10**5  # nobody is that old: nothing moves
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(last_contact_at, created_at) FROM crm_customer WHERE owner_id IS NOT NULL AND NOT locked "
            "ORDER BY 1 OFFSET %s LIMIT 1",
            [wanted - 1],
        )
        row = cursor.fetchone()
    if row is None:  # fewer owned customers than wanted: all of them
        return 1
    return max(1, (timezone.now() - row[0]) // timedelta(days=1))
