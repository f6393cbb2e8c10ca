import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bulletin import demo as bulletin_demo
from workplans import demo as plans_demo
from workplans.models import Plan
from crm import demo
from crm.demo.customers import seed_customers
from crm.demo.followups import seed_followups

DEFAULT_PASSWORD = "crm-demo-2026"


class Command(BaseCommand):
    help = "Create (or refresh) the demo company: admin, backup operator, groups, supervisors, salespeople."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password for every demo login")
        parser.add_argument("--groups", type=int, default=2, help="number of sales groups (Group 1..N)")
        parser.add_argument("--salespeople", type=int, default=4, help="number of salespeople (sales1..N), spread over the groups")
        parser.add_argument("--customers", type=int, default=300, help="customers in all (added until there are this many)")
        parser.add_argument("--followups", type=int, default=None, help="follow-ups in all (default: 3 per customer)")
        parser.add_argument("--plans", type=int, default=0, help="extra plans in bulk, for the benchmark (e.g. 2000000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")

    def handle(self, *args, password, groups, salespeople, customers, followups, plans, seed, **options):
        if groups < 1 or salespeople < 0 or customers < 0:
            raise CommandError("--groups must be at least 1, --salespeople and --customers at least 0.")
        rng = random.Random(seed)
        with transaction.atomic():
            summary = demo.seed_people(password=password, groups=groups, salespeople=salespeople)
        owner_ids = list(
            User.objects.filter(role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR], is_active=True).values_list("pk", flat=True)
        )
        added = seed_customers(target=customers, owner_ids=owner_ids, rng=rng, progress=self._progress)
        summary["customers"] = added
        logged = seed_followups(
            target=3 * customers if followups is None else followups,
            progress=self._progress_followups if customers >= 100_000 else None,
        )
        people = list(User.objects.filter(is_active=True).order_by("pk")[:50])
        bulletin_demo.seed(people=people, rng=rng)
        plans_demo.seed(people=people, rng=rng, now=timezone.now())
        missing_plans = plans - Plan.objects.count()
        if missing_plans > 0:
            plans_demo.bulk_seed(author_ids=owner_ids, count=missing_plans, rng=rng, now=timezone.now())
        self.stdout.write(self.style.SUCCESS(
            f"Demo company ready: {summary['groups']} groups, {summary['supervisors']} supervisors, "
            f"{summary['salespeople']} salespeople; {added} customers and {logged} follow-ups added."
        ))
        self.stdout.write("Demo logins (password for all: %s):" % password)
        for username, role in summary["logins"]:
            self.stdout.write(f"  {username:<10} {role}")

    def _progress(self, done, total):
        if total >= 100_000:
            self.stdout.write(f"  customers: {done:,}/{total:,} ({time.strftime('%H:%M:%S')})")

    def _progress_followups(self, done, total):
        self.stdout.write(f"  follow-ups: {done:,}/{total:,} ({time.strftime('%H:%M:%S')})")
