"""Benchmark offboarding (docs/benchmarks.md, "Offboarding").

    python manage.py bench_offboard --customers 20000

Creates a throwaway salesperson holding N customers (with their "created" custody rows), some
work plans and signed suggestions, and three colleagues; times offboarding to the pool, then
(from the same starting point) spread evenly over the three colleagues. Everything it writes is
rolled back, so it can run again on any database, including one with real data.
"""

import os
import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from bulletin.models import Suggestion
from crm.models import Custody, Customer
from demo.customers import seed_customers
from staff import offboarding
from workplans.models import Plan


class Command(BaseCommand):
    help = "Time offboarding a salesperson with N customers (to the pool; spread over 3 colleagues). Rolled back."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=20_000)
        parser.add_argument("--plans", type=int, default=1_000)
        parser.add_argument("--suggestions", type=int, default=50)
        parser.add_argument("--seed", type=int, default=8)

    def handle(self, *args, customers, plans, suggestions, seed, **options):
        with transaction.atomic():
            admin, person, colleagues = self._people()
            started = time.perf_counter()
            seed_customers(target=Customer.objects.count() + customers, owner_ids=[person.pk],
                           rng=random.Random(seed), pool_share=0)
            self._plans_and_suggestions(person, plans, suggestions)
            self.stdout.write(f"set up {customers:,} customers, {plans:,} plans, {suggestions} suggestions "
                              f"in {time.perf_counter() - started:.1f} s (table: {Customer.objects.count():,} customers)")
            # A salesperson owning 20,000 customers is far past the ownership cap: lift it for the run.
            with override_settings(POOL_MAX_OWNED=customers + 1):
                self._time(admin, person, "to the pool", mode=offboarding.POOL)
                self._time(admin, person, "spread over 3 colleagues", mode=offboarding.SPREAD, receivers=colleagues)
            transaction.set_rollback(True)

    def _people(self):
        def make(username, role, **extra):
            return User.objects.create(username=username, role=role, full_name=username, **extra)

        admin = make("bench-offboard-admin", User.Role.ADMIN)
        person = make("bench-offboard-leaver", User.Role.SALESPERSON, phone="13800000000")
        colleagues = [make(f"bench-offboard-{i}", User.Role.SALESPERSON) for i in range(3)]
        return admin, person, colleagues

    def _plans_and_suggestions(self, person, plans, suggestions):
        now = timezone.now()
        Plan.objects.bulk_create(
            Plan(author=person, subject=f"拜访客户 {i}", start_at=now + timedelta(hours=i), end_at=now + timedelta(hours=i + 1))
            for i in range(plans)
        )
        Suggestion.objects.bulk_create(Suggestion(author=person, title=f"建议 {i}", content="内容") for i in range(suggestions))

    def _backend_cpu(self) -> float | None:
        """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
        machine: on a shared, loaded machine it tells the work apart from the wait."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _time(self, admin, person, label, **arguments):
        savepoint = transaction.savepoint()
        cpu_before, process_before = self._backend_cpu(), time.process_time()
        started = time.perf_counter()
        result = offboarding.offboard(person=person, by=admin, **arguments)
        seconds = time.perf_counter() - started
        cpu_after, process_cpu = self._backend_cpu(), time.process_time() - process_before
        cpu = f"; CPU: database {cpu_after - cpu_before:.2f} s, Django {process_cpu:.2f} s" if cpu_before is not None else ""
        load = os.getloadavg()[0]
        custody = Custody.objects.filter(from_owner=person, reason=Custody.Reason.OFFBOARDED).count()
        shares = sorted(result.by_target.values())
        self.stdout.write(
            f"offboard {label}: {result.customers:,} customers ({result.to_pool:,} to the pool"
            f"{', shares ' + ' / '.join(f'{n:,}' for n in shares) if shares else ''}), {custody:,} custody rows, "
            f"{result.plans:,} plans and {result.signed_suggestions} suggestions removed in {seconds:.2f} s"
            f"{cpu} (load average {load:.1f})"
        )
        transaction.savepoint_rollback(savepoint)
