"""Benchmark the deals and contacts imports (issues 22, 25; docs/benchmarks.md).

    DATABASE_URL=<a scratch database> python manage.py bench_record_import --deals 10000 --contacts 10000

Uses the database's customers (seed_demo --scale medium first; with fewer than --customers it
seeds the missing ones): a CSV of --deals deals and one of --contacts contacts spread over an
admin's view of --customers customers, each checked (the preview) and imported through the same
functions the pages call (transfers.deal_import, transfers.contact_import), then re-checked to
time the "already there" path of a re-run. Prints rows/s. Everything is rolled back.
"""

import csv
import random
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from contacts.models import Contact
from crm.models import Customer
from deals.models import Stage
from transfers import contact_import, deal_import
from transfers.reader import open_table


class Rollback(Exception):
    pass


def _write(path, headers, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


class Command(BaseCommand):
    help = "Time the deals and contacts imports (rows/s); rolled back."

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=10_000)
        parser.add_argument("--contacts", type=int, default=10_000)
        parser.add_argument("--customers", type=int, default=5_000)

    def handle(self, *args, **options):
        admin = User.objects.filter(is_active=True, role=User.Role.ADMIN).order_by("pk").first()
        if admin is None:
            raise CommandError("No admin: run seed_demo first.")
        numbers = list(Customer.objects.filter(owner__isnull=False).order_by("?")
                       .values_list("number", flat=True)[:options["customers"]])
        if not numbers:
            raise CommandError("No customers: run seed_demo --scale medium first.")
        stages = list(Stage.objects.filter(active=True, kind=Stage.Kind.OPEN).values_list("name_zh", flat=True))
        rng = random.Random(25)
        self.stdout.write(f"{Customer.objects.count():,} customers in the database; files over {len(numbers):,} of them")
        with tempfile.TemporaryDirectory() as folder:
            deals_path, contacts_path = Path(folder) / "deals.csv", Path(folder) / "contacts.csv"
            _write(deals_path, ["客户编号", "商机名称", "金额", "阶段", "预计成交日期"],
                   [[rng.choice(numbers), f"基准商机 {index}", f"{rng.randint(1000, 900000)}.{rng.randint(0, 99):02d}",
                     rng.choice(stages), "2027-06-30"] for index in range(options["deals"])])
            _write(contacts_path, ["客户编号", "联系人姓名", "职务", "手机", "邮箱"],
                   [[rng.choice(numbers), f"基准联系人{index}", "采购", phone, f"b{index}@example.com"]
                    for index, phone in enumerate(self._free_phones(options["contacts"]))])
            for label, path, columns, check, run in [
                ("deals", deals_path, deal_import.DEAL_COLUMNS, deal_import.check_deals, deal_import.import_deals),
                ("contacts", contacts_path, contact_import.COLUMNS, contact_import.check_table,
                 contact_import.import_contacts),
            ]:
                self._time(label, path, columns, check, run, admin)

    def _free_phones(self, count) -> list[str]:
        """Mobile numbers nobody holds yet (the demo's own are random): a 撞单 would refuse the file."""
        candidates = [f"199{index:08d}" for index in range(count * 2)]
        held = set(Customer.objects.filter(normalized_phone__in=candidates).values_list("normalized_phone", flat=True))
        held |= set(Contact.objects.filter(normalized_mobile__in=candidates).values_list("normalized_mobile", flat=True))
        return [phone for phone in candidates if phone not in held][:count]

    def _time(self, label, path, known, check, run, admin):
        def opener():
            return open_table(path, path.name)

        mapping = contact_import.guess_columns(opener().headers, known)
        try:
            with transaction.atomic():
                started = time.perf_counter()
                checked = check(table=opener(), columns=mapping, by=admin)
                preview = time.perf_counter() - started
                started = time.perf_counter()
                checked = run(open_file=opener, columns=mapping, by=admin, name=path.name)
                imported = time.perf_counter() - started
                started = time.perf_counter()
                again = check(table=opener(), columns=mapping, by=admin)
                rerun = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        except (deal_import.ImportRejected, contact_import.ContactImportRejected) as error:
            bad = [row for row in error.checked.rows if row.status == "bad"][:3]
            raise CommandError(f"{label}: rows refused, e.g. {[(row.number, row.reason) for row in bad]}") from None
        rows = len(checked.rows)
        self.stdout.write(
            f"{label}: {rows:,} rows; preview {preview:.1f} s = {rows / preview:,.0f} rows/s; "
            f"import (checked again + written) {imported:.1f} s = {rows / imported:,.0f} rows/s "
            f"(new {checked.new:,}, bad {checked.bad}); re-run check {rerun:.1f} s, already there {again.same:,}")
