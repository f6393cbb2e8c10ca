"""Benchmark the customer import and export (docs/benchmarks.md, "Import and export").

    DATABASE_URL=<a scratch database> python manage.py bench_import --rows 100000 --existing 50000

Generates an .xlsx of realistic Chinese customers (some repeating existing customers' phones),
imports it through the service the background task uses (parsing, cleaning, duplicate checks,
COPY, custody rows) and exports the same rows; prints rows/s, seconds and peak memory.
Everything it writes is rolled back, so it can run again on the same database.
"""

import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import User
from crm import import_services
from crm import importexport as ie
from crm.demo import person_name
from crm.demo.customers import CITIES, INDUSTRIES, NOTES, ROADS, TITLES, _phone, seed_customers
from crm.job_models import ImportJob
from crm.models import Customer
from crm.phones import normalize_phone
from crm.policies import visible_customers

BRANDS = ["华信", "宏达", "鑫源", "恒通", "博远", "金桥", "天成", "瑞丰", "中科", "联创", "新锐", "永盛"]
TRADES = ["科技", "贸易", "实业", "电子", "机械", "建材", "物流", "医药", "食品", "网络"]
HEADERS = ["客户名称", "公司", "职务", "电话", "地址", "客户类型", "等级", "来源", "行业", "性别", "洽谈记录", "下次联系日期"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time a 100,000-row customer import and export (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--existing", type=int, default=50_000, help="customers already in the table")
        parser.add_argument("--duplicates", type=float, default=0.02, help="share of rows repeating an existing phone")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, rows, existing, duplicates, seed, **options):
        if "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("Run this against a scratch database whose name contains 'bench'.")
        rng = random.Random(seed)
        with transaction.atomic():
            importer = self._people()
            if existing:
                seed_customers(target=existing, owner_ids=[importer.pk], rng=random.Random(seed), pool_share=0.1)
            phones = list({normalize_phone(p): p for p in Customer.objects.values_list("phone", flat=True)}.values())
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "customers.xlsx"
                started = time.perf_counter()
                self._workbook(path, rows, rng, phones, duplicates)
                self.stdout.write(f"generated {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
                self._preview(path, importer, rows)
                self._import(path, importer, rows)
                self._export(importer, Path(folder), rows)
            transaction.set_rollback(True)

    def _people(self):
        importer, _ = User.objects.get_or_create(username="bench-importer", defaults={"role": User.Role.SALESPERSON, "full_name": "压测员"})
        return importer

    def _workbook(self, path, rows, rng, phones, duplicates):
        with open(path, "wb") as handle:
            writer = ie.XlsxWriter(handle, sheet_name="客户")
            writer.header(HEADERS)
            used = {normalize_phone(phone) for phone in phones}
            picks = list(dict.fromkeys(phones))
            for index in range(rows):
                city, districts = rng.choice(CITIES)
                if picks and rng.random() < duplicates:
                    phone = picks.pop()
                else:
                    phone = _phone(rng)
                    while normalize_phone(phone) in used:
                        phone = _phone(rng)
                    used.add(normalize_phone(phone))
                writer.append([
                    person_name(rng.randrange(10**6)), f"{city}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司{index}",
                    rng.choice(TITLES), phone, f"{city}市{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                    rng.choice(["准客户", "意向客户", "暂停客户"]), rng.choice(["普通", "VIP"]),
                    rng.choice(["自己联系", "广告媒体", "朋友介绍"]), rng.choice(INDUSTRIES), rng.choice(["男", "女", ""]),
                    rng.choice(NOTES), f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                ])
            writer.close()

    def _preview(self, path, importer, rows):
        """What the preview step does before the person confirms (nothing is written)."""
        started = time.perf_counter()
        table = ie.open_table(path, path.name)
        parsed, _cleaner = ie.read_rows(table)
        ie.classify(parsed, viewer=importer)
        seconds = time.perf_counter() - started
        self.stdout.write(f"preview: {rows:,} rows labelled in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
        del parsed
        tracemalloc.start()
        parsed, _cleaner = ie.read_rows(ie.open_table(path, path.name))
        ie.classify(parsed, viewer=importer)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        self.stdout.write(f"  Python memory held by the parsed rows at the peak (tracemalloc): {peak:.0f} MB "
                          f"= {peak * 1e6 / rows:,.0f} bytes a row; the XML itself is streamed")
        del parsed

    def _import(self, path, importer, rows):
        before = _peak_mb()
        parsed = []
        started = time.perf_counter()
        outcome = import_services.customers_import(
            path=path, name=path.name, owner=importer, by=importer, on_duplicate=ImportJob.OnDuplicate.SKIP,
            all_or_nothing=True, progress=lambda done, total=None: parsed.append(time.perf_counter()),
        )
        seconds = time.perf_counter() - started
        self.stdout.write(f"  reading and checking the cells took {parsed[-1] - started:.1f} s, "
                          f"duplicate checks and writing {time.perf_counter() - parsed[-1]:.1f} s")
        self.stdout.write(
            f"import: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
            f"(created {outcome.created:,}, duplicates skipped {len(outcome.rejected):,}); "
            f"peak RSS {_peak_mb():.0f} MB (was {before:.0f} MB before the import)"
        )

    def _export(self, importer, folder, rows):
        customers = visible_customers(importer).order_by("-created_at", "-id")[:rows]
        for fmt in ("xlsx", "csv"):
            started = time.perf_counter()
            with open(folder / f"export.{fmt}", "wb") as handle:
                count = import_services.export_customers(customers=customers, fmt=fmt, target=handle, by=importer)
            seconds = time.perf_counter() - started
            size = (folder / f"export.{fmt}").stat().st_size / 1e6
            self.stdout.write(f"export {fmt}: {count:,} rows in {seconds:.1f} s ({size:.1f} MB)")
