"""manage.py seed_demo: the demo company of the README's run command, the benchmarks and the
browser tests (demo/: people, customers, follow-ups, plans, board)."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from crm.models import Custody, Customer, FollowUp
from deals.models import Deal, Payment
from demo import board, fields
from demo.contacts import seed_contacts
from demo import plans as demo_plans
from demo.bulk import vacuum_analyze
from demo.customers import seed_customers
from demo.deals import seed_deals
from demo.followups import seed_followups
from demo.people import seed_people
from workplans.models import Plan

DEFAULT_PASSWORD = "crm-demo-2026"

# --scale presets; an explicit --groups/--salespeople/--customers/--followups/--plans wins.
# Deals and payments default to 2 and 1 per customer (large: 2,000,000 and 1,000,000).
SCALES = {
    "small": {"groups": 2, "salespeople": 4, "customers": 300, "followups": None, "plans": 0},
    "medium": {"groups": 10, "salespeople": 190, "customers": 100_000, "followups": 1_000_000, "plans": 200_000},
    # 500 people in 50 groups (50 supervisors + 450 salespeople): the issue-12 benchmark company.
    "large": {"groups": 50, "salespeople": 450, "customers": 1_000_000, "followups": 10_000_000, "plans": 2_000_000},
}


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo company: admin, backup operator, groups, supervisors, salespeople, "
        "customers (about 20%% in the pool), follow-ups, plans, board and suggestions. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small",
                            help="small: the README's demo; medium: 100,000 customers; large: the 1,000,000-customer benchmark")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password for every demo login")
        parser.add_argument("--groups", type=int, default=None, help="number of sales groups (销售一组..)")
        parser.add_argument("--salespeople", type=int, default=None, help="number of salespeople (sales1..N), spread over the groups")
        parser.add_argument("--customers", type=int, default=None, help="customers in all (added until there are this many)")
        parser.add_argument("--followups", type=int, default=None, help="follow-ups in all (default: 3 per customer)")
        parser.add_argument("--plans", type=int, default=None, help="extra plans in bulk, for the benchmark (e.g. 2000000)")
        parser.add_argument("--contacts-per-customer", type=float, default=3.0,
                            help="contacts given to each customer without any, on average (3: 3,000,000 at the large scale)")
        parser.add_argument("--deals", type=int, default=None, help="deals in all (default: 2 per customer)")
        parser.add_argument("--payments", type=int, default=None, help="payments in all (default: 1 per customer)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")

    def handle(self, *args, scale, password, seed, contacts_per_customer, deals=None, payments=None, **options):
        sizes = {key: options[key] if options[key] is not None else value for key, value in SCALES[scale].items()}
        groups, salespeople, customers, plans = sizes["groups"], sizes["salespeople"], sizes["customers"], sizes["plans"]
        followups = 3 * customers if sizes["followups"] is None else sizes["followups"]
        if groups < 1 or salespeople < 0 or customers < 0 or followups < 0 or plans < 0:
            raise CommandError("--groups must be at least 1; --salespeople, --customers, --followups and --plans at least 0.")
        self.started = time.monotonic()
        self.big = customers >= 100_000
        rng = random.Random(seed)
        with transaction.atomic():
            summary = seed_people(password=password, groups=groups, salespeople=salespeople)
        self._phase("people")
        owner_ids = list(
            User.objects.filter(role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR], is_active=True).values_list("pk", flat=True)
        )
        fields.install()  # the company's own fields (微信号, 预算, 客户等级说明), filled on the new customers
        added = seed_customers(target=customers, owner_ids=owner_ids, rng=rng, progress=self._progress("customers"))
        self._phase("customers")
        logged = seed_followups(target=followups, progress=self._progress("follow-ups"))
        self._phase("follow-ups")
        contacts = seed_contacts(per_customer=contacts_per_customer, progress=self._progress("contacts"))
        self._phase("contacts")
        deals_added, paid = seed_deals(target=2 * customers if deals is None else deals,
                                       payments=customers if payments is None else payments,
                                       progress=self._progress("deals"))
        self._phase("deals and payments")
        people = list(User.objects.filter(is_active=True).order_by("pk")[:50])
        board.seed(people=people, rng=rng)
        demo_plans.seed(people=people, rng=rng, now=timezone.now())
        planned = demo_plans.seed_plans(target=plans, author_ids=owner_ids, progress=self._progress("plans"))
        self._phase("plans, board and suggestions")
        if self.big and (added or logged or planned or contacts or deals_added):
            vacuum_analyze(Customer, Custody, FollowUp, Plan, Contact, Deal, Payment)  # the visibility map lets index-only scans skip the fresh heap
            self._phase("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"Demo company ready ({scale} scale): {summary['groups']} groups, {summary['supervisors']} supervisors, "
            f"{summary['salespeople']} salespeople; {added} customers, {logged} follow-ups, {contacts} contacts, "
            f"{deals_added} deals, {paid} payments and {planned} bulk plans added "
            f"in {time.monotonic() - self.started:.0f} s."
        ))
        self.stdout.write("Demo logins (password for all: %s):" % password)
        for username, role in summary["logins"]:
            self.stdout.write(f"  {username:<10} {role}")

    def _phase(self, name):
        if self.big:
            self.stdout.write(f"  {name} done at {time.monotonic() - self.started:.0f} s ({time.strftime('%H:%M:%S')})")

    def _progress(self, what):
        if not self.big:
            return None
        return lambda done, total: self.stdout.write(f"  {what}: {done:,}/{total:,} ({time.strftime('%H:%M:%S')})")
