from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crm import demo

DEFAULT_PASSWORD = "crm-demo-2026"


class Command(BaseCommand):
    help = "Create (or refresh) the demo company: admin, backup operator, groups, supervisors, salespeople."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password for every demo login")
        parser.add_argument("--groups", type=int, default=2, help="number of sales groups (Group 1..N)")
        parser.add_argument("--salespeople", type=int, default=4, help="number of salespeople (sales1..N), spread over the groups")

    def handle(self, *args, password, groups, salespeople, **options):
        if groups < 1 or salespeople < 0:
            raise CommandError("--groups must be at least 1 and --salespeople at least 0.")
        with transaction.atomic():
            summary = demo.seed_people(password=password, groups=groups, salespeople=salespeople)
        self.stdout.write(self.style.SUCCESS(
            f"Demo company ready: {summary['groups']} groups, {summary['supervisors']} supervisors, "
            f"{summary['salespeople']} salespeople."
        ))
        self.stdout.write("Demo logins (password for all: %s):" % password)
        for username, role in summary["logins"]:
            self.stdout.write(f"  {username:<10} {role}")
