"""Race many salespeople for the same pool customers, many times, and count what went wrong.

Each race: one fresh pool customer, `--claimers` threads (one database connection each) released
together by a barrier, each calling the real claim service. Expected: exactly one winner per
race, every loser told "already claimed by someone else", no other error, one custody row.
The fairness limits are lifted for the run (they would refuse the claimers long before the
races end); the customers, custody rows and claimers it made are deleted at the end.
"""

import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections, transaction
from django.db.models import Count

from accounts.models import SalesGroup, User
from crm import services
from crm.models import Custody, Customer

PREFIX = "bench-race"


class Command(BaseCommand):
    help = "Run N claim races of M simultaneous claimers through the claim service; report winners and errors."

    def add_arguments(self, parser):
        parser.add_argument("--races", type=int, default=1000)
        parser.add_argument("--claimers", type=int, default=20)

    def handle(self, *args, races, claimers, **options):
        settings.POOL_DAILY_CLAIM_LIMIT = settings.POOL_MAX_OWNED = 10**9
        people, customers = self._setup(races, claimers)
        outcomes = [[] for _ in range(races)]
        errors = []
        barrier = threading.Barrier(claimers)

        def run(person):
            try:
                for race, customer_id in enumerate(customers):
                    barrier.wait()
                    try:
                        services.customer_claim(customer=Customer.objects.get(pk=customer_id), by=person)
                        outcomes[race].append("won")
                    except services.ClaimRefused as refused:
                        outcomes[race].append("lost" if "someone else" in refused.message else refused.message)
                    except Exception as error:  # noqa: BLE001 - counted and reported
                        errors.append(repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(person,)) for person in people]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

        winners = [race.count("won") for race in outcomes]
        custody = dict(
            Custody.objects.filter(customer_id__in=customers, reason=Custody.Reason.CLAIMED)
            .values_list("customer_id").annotate(n=Count("id"))
        )
        owned = Customer.objects.filter(pk__in=customers, owner__isnull=False).count()
        other_refusals = sum(1 for race in outcomes for outcome in race if outcome not in {"won", "lost"})
        report = {
            "races": races,
            "claimers per race": claimers,
            "seconds": round(elapsed, 1),
            "races with exactly one winner": sum(1 for n in winners if n == 1),
            "double claims": sum(1 for n in winners if n > 1),
            "races nobody won": sum(1 for n in winners if n == 0),
            "customers with one custody row": sum(1 for pk in customers if custody.get(pk) == 1),
            "customers owned at the end": owned,
            "other refusals": other_refusals,
            "errors (deadlocks included)": len(errors),
        }
        self._cleanup(people, customers)
        for key, value in report.items():
            self.stdout.write(f"{key:32} {value}")
        for error in sorted(set(errors))[:5]:
            self.stdout.write(f"  error: {error}")

    @transaction.atomic
    def _setup(self, races, claimers):
        group, _ = SalesGroup.objects.get_or_create(name=f"{PREFIX} group")
        people = [
            User.objects.update_or_create(
                username=f"{PREFIX}-{i}", defaults={"role": User.Role.SALESPERSON, "sales_group": group, "is_active": True}
            )[0]
            for i in range(claimers)
        ]
        made = Customer.objects.bulk_create(Customer(name=f"{PREFIX} {i}") for i in range(races))  # in the pool
        return people, [customer.pk for customer in made]

    @transaction.atomic
    def _cleanup(self, people, customers):
        Custody.objects.filter(customer_id__in=customers).delete()
        Customer.objects.filter(pk__in=customers).delete()
        Custody.objects.filter(to_owner__in=people).delete()
        User.objects.filter(pk__in=[person.pk for person in people]).delete()
        SalesGroup.objects.filter(name=f"{PREFIX} group").delete()
