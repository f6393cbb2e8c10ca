"""manage.py check_custody: nobody who has left holds a customer, and custody explains every owner.

Meant to run nightly after recycle_pool (docs/operations.md). It fixes what it can: customers
still held by a deactivated account go to the pool (custody "offboarded", audit trail), key
marks left on pool customers are cleared. It reports what needs a person: customers whose owner
is not the one their latest custody row names (exit status 1). Safe to re-run and to run on two
servers at once (the moves take the same locks as offboarding).
"""

from django.core.management.base import BaseCommand, CommandError

from crm import ownership, reassignment


class Command(BaseCommand):
    help = ("Move customers held by people who have left to the pool, clear key marks in the pool, and report "
            "customers whose owner differs from their latest custody row.")

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=20, help="how many unexplained owners to list")

    def handle(self, *args, show, **options):
        swept = reassignment.sweep_departed()
        moved = sum(swept.values())
        people = ", ".join(f"{person.username} {count}" for person, count in swept.items())
        self.stdout.write(f"Customers held by people who have left: {moved} moved to the pool"
                          f"{f' ({people})' if people else ''}.")
        self.stdout.write(f"Key customers in the pool: {ownership.unmark_pool_customers()} unmarked.")
        count, rows = ownership.owners_unlike_custody(limit=show)
        self.stdout.write(f"Customers whose owner differs from their latest custody row: {count}.")
        for pk, number, owner_id, custody_owner_id in rows:
            self.stdout.write(f"  {number} (id {pk}): owner {owner_id or 'pool'}, latest custody row: "
                              f"{custody_owner_id or 'pool'}")
        if count:
            raise CommandError(f"{count} customers have an owner their custody history does not explain; "
                               "see the list above.")
