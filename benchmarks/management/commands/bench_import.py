"""Benchmark the customer import and export (docs/benchmarks.md, "Import and export").

    DATABASE_URL=<a scratch database> python manage.py bench_import --rows 100000 --existing 50000

First a hostile workbook (issue 19): --hostile rows (200,000 by default) whose type and grade
cells all point at one 100 KB shared string, checked and imported as the task worker does;
prints the process's peak RSS (measured first, so nothing else has grown it), the preview's
page times (p50/p95 over every label and deep pages) and what the preview and the error
workbook cost on disk. Then an .xlsx of realistic Chinese customers (some repeating existing
customers' phones): the preview, the import through the service the background task uses
(parsing, cleaning, duplicate checks, staging, insert, custody rows) and the export of the same
rows; prints rows/s and seconds. --compare also times other readers and writers of .xlsx
(python-calamine, openpyxl, XlsxWriter) when they are installed. Everything is rolled back.
"""

import io
import random
import resource
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import override_settings

from accounts.models import User
from common.phones import normalize_phone
from crm.models import Customer
from crm.policies import visible_customers
from demo.customers import CITIES, INDUSTRIES, NOTES, ROADS, TITLES, _phone, seed_customers
from demo.people import person_name
from customfields.models import FieldDefinition
from transfers import classify, columns, custom_import, exports, jobs, reader
from transfers import services as import_services
from transfers.models import ImportJob
from transfers.writer import XlsxWriter

BRANDS = ["华信", "宏达", "鑫源", "恒通", "博远", "金桥", "天成", "瑞丰", "中科", "联创", "新锐", "永盛"]
TRADES = ["科技", "贸易", "实业", "电子", "机械", "建材", "物流", "医药", "食品", "网络"]
HEADERS = ["客户名称", "公司", "职务", "电话", "地址", "客户类型", "等级", "来源", "行业", "性别", "洽谈记录", "下次联系日期"]
Kind = FieldDefinition.Kind
INDUSTRY_CHOICES = [{"key": "retail", "zh_hans": "零售", "en": "Retail"},
                    {"key": "factory", "zh_hans": "制造", "en": "Manufacturing"}]
CUSTOM_FIELDS = [  # key, kind, Chinese label, options (--custom N takes the first N)
    ("wechat", Kind.TEXT, "微信号", {"unique": True}), ("email", Kind.EMAIL, "电子邮箱", {}),
    ("landline", Kind.PHONE, "总机", {}), ("staff", Kind.NUMBER, "员工人数", {}), ("budget", Kind.MONEY, "年预算", {}),
    ("since", Kind.DATE, "合作日期", {}), ("key_account", Kind.BOOLEAN, "重点客户", {}),
    ("trade", Kind.CHOICE, "业态", {"choices": INDUSTRY_CHOICES}),
    ("needs", Kind.MULTI_CHOICE, "需求", {"choices": INDUSTRY_CHOICES}), ("site", Kind.URL, "网站", {}),
]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hostile_workbook(path, rows: int) -> None:
    """Issue 19's file: one 100 KB shared string (not compressible enough to look like a zip
    bomb) in the type and grade columns of every row; each row has its own name."""
    huge = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(100_000))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with archive.open("xl/sharedStrings.xml", "w") as sst:
            sst.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>客户名称</t></si><si><t>客户类型</t></si>'
                      f'<si><t>客户等级</t></si><si><t>{escape(huge)}</t></si>'.encode())
            for index in range(rows):
                sst.write(f"<si><t>恶意客户{index}</t></si>".encode())
            sst.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="A1:C{rows + 1}"/><sheetData>'
                        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
                        .encode())
            for index in range(rows):
                n = index + 2
                sheet.write(f'<row r="{n}"><c r="A{n}" t="s"><v>{4 + index}</v></c><c r="B{n}" t="s"><v>3</v></c>'
                            f'<c r="C{n}" t="s"><v>3</v></c></row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


class Command(BaseCommand):
    help = "Time a hostile and a 100,000-row customer import and export (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--existing", type=int, default=50_000, help="customers already in the table")
        parser.add_argument("--duplicates", type=float, default=0.02, help="share of rows repeating an existing phone")
        parser.add_argument("--hostile", type=int, default=200_000, help="rows of the hostile workbook (0: skip it)")
        parser.add_argument("--compare", action="store_true", help="also time python-calamine, openpyxl and XlsxWriter")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--custom", type=int, default=0, choices=range(0, len(CUSTOM_FIELDS) + 1), metavar="N",
                            help=f"custom-field columns in the realistic workbook (0..{len(CUSTOM_FIELDS)}; issue 23)")

    def handle(self, *args, rows, existing, duplicates, hostile, compare, seed, custom=0, **options):
        if "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("Run this against a scratch database whose name contains 'bench'.")
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory() as folder, transaction.atomic():
            folder = Path(folder)
            importer = self._people()
            self.custom = self._custom_fields(custom)
            if hostile:
                self._hostile(folder, importer, hostile)
            if existing:
                seed_customers(target=existing, owner_ids=[importer.pk], rng=random.Random(seed), pool_share=0.1)
            phones = list({normalize_phone(p): p for p in Customer.objects.values_list("phone", flat=True)}.values())
            path = folder / "customers.xlsx"
            started = time.perf_counter()
            self._workbook(path, rows, rng, phones, duplicates)
            self.stdout.write(f"generated {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
            if compare:
                self._compare_readers(path, rows)
            self._preview(path, importer, rows)
            self._import(path, importer, rows)
            self._export(importer, folder, rows, compare)
            transaction.set_rollback(True)

    def _custom_fields(self, count):
        """`count` customer custom fields of different kinds (the first, 微信号, unique), for
        everyone to edit: the workbook gets a column for each, headed by its Chinese label."""
        defined = []
        for index, (key, kind, label, extra) in enumerate(CUSTOM_FIELDS[:count]):
            defined.append(FieldDefinition.objects.create(
                target="customer", key=key, kind=kind, label_zh_hans=label, label_en=key, order=index, **extra))
        if defined:
            self.stdout.write(f"custom fields: {', '.join(f'{d.label_zh_hans} ({d.kind})' for d in defined)}")
        return defined

    def _custom_cells(self, rng, index):
        values = {
            "wechat": f"wx_{index}_{rng.randrange(10**6)}", "email": f"buyer{index}@example.cn",
            "landline": f"021-{rng.randint(5000, 6999)}{rng.randint(1000, 9999)}", "staff": str(rng.randint(5, 5000)),
            "budget": f"{rng.randint(1, 999)},{rng.randint(100, 999)}.50", "since": f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "key_account": rng.choice(["是", "否"]), "trade": rng.choice(["零售", "制造"]),
            "needs": rng.choice(["零售、制造", "零售", ""]), "site": f"https://www.example{index}.cn",
        }
        return [values[d.key] for d in self.custom]

    def _people(self):
        importer, _ = User.objects.get_or_create(username="bench-importer", defaults={"role": User.Role.SALESPERSON, "full_name": "压测员"})
        return importer

    # --- The hostile workbook -----------------------------------------------------------------

    def _hostile(self, folder, importer, rows):
        path = folder / "hostile.xlsx"
        hostile_workbook(path, rows)
        self.stdout.write(f"hostile workbook: {rows:,} rows, one 100 KB shared string in two columns of each, "
                          f"{path.stat().st_size / 1e6:.1f} MB; peak RSS before {_peak_mb():.0f} MB")
        with override_settings(PRIVATE_FILES_ROOT=folder / "private", IMPORT_MAX_ROWS=max(rows, settings.IMPORT_MAX_ROWS)):
            (folder / "private" / "imports").mkdir(parents=True)
            (folder / "private" / "imports" / "hostile.xlsx").write_bytes(path.read_bytes())
            job = ImportJob.objects.create(created_by=importer, original_name="hostile.xlsx", upload_path="imports/hostile.xlsx",
                                           owner=importer, language="zh-hans")
            started = time.perf_counter()
            job = import_services.import_analyse(job=job)
            self.stdout.write(f"  checked (the preview step): {job.status} {job.message}, {job.counts} in {time.perf_counter() - started:.1f} s; "
                              f"peak RSS {_peak_mb():.0f} MB")
            with connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(sum(pg_column_size(r.*)), 0) FROM crm_importrow r WHERE job_id = %s", [job.pk])
                stored = cursor.fetchone()[0]
            self.stdout.write(f"  the preview's rows in the database: {stored / 1e6:.1f} MB ({stored / rows:.0f} bytes a row)")
            self._preview_pages(job, importer, rows)
            import_services.import_confirm(job=job, on_duplicate="skip", all_or_nothing=False, by=importer)
            started = time.perf_counter()
            job = import_services.import_run(job=ImportJob.objects.select_related("created_by", "owner").get(pk=job.pk))
            errors = jobs.private_path(job.errors_path).stat().st_size if job.errors_path else 0
            self.stdout.write(f"  imported: {job.status}, {job.created_count} created, {job.rejected_count:,} rejected "
                              f"in {time.perf_counter() - started:.1f} s; error workbook {errors / 1e6:.1f} MB; "
                              f"worker peak RSS {_peak_mb():.0f} MB")

    def _preview_pages(self, job, importer, rows):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(importer)
        url = job.get_absolute_url()
        last = max(1, rows // 50)
        queries = [{}, {"label": "invalid"}, {"page": 2}, {"page": last // 2}, {"page": last},
                   {"label": "invalid", "page": last}, {"per_page": 100}, {"per_page": 100, "page": rows // 100}]
        times = []
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for _round in range(5):
                for query in queries:
                    started = time.perf_counter()
                    response = client.get(url, query)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
        times.sort()
        p95 = times[max(0, round(len(times) * 0.95) - 1)]
        self.stdout.write(f"  preview pages: {len(times)} requests (first, middle and last pages, by label, 50 and 100 "
                          f"a page): p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, largest page "
                          f"{len(response.content) / 1e3:.0f} KB; peak RSS {_peak_mb():.0f} MB")

    # --- A realistic workbook ---------------------------------------------------------------------

    def _workbook(self, path, rows, rng, phones, duplicates):
        with open(path, "wb") as handle:
            writer = XlsxWriter(handle, sheet_name="客户")
            writer.header(HEADERS + [d.label_zh_hans for d in self.custom])
            for cells in self._rows(rows, rng, phones, duplicates):
                writer.append(cells)
            writer.close()

    def _rows(self, rows, rng, phones, duplicates):
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
            yield [
                person_name(rng.randrange(10**6)), f"{city}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司{index}",
                rng.choice(TITLES), phone, f"{city}市{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                rng.choice(["准客户", "意向客户", "暂停客户"]), rng.choice(["普通", "VIP"]),
                rng.choice(["自己联系", "广告媒体", "朋友介绍"]), rng.choice(INDUSTRIES), rng.choice(["男", "女", ""]),
                rng.choice(NOTES), f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            ] + (self._custom_cells(rng, index) if self.custom else [])

    def _preview(self, path, importer, rows):
        """What the preview step does before the person confirms (the rows are not stored here)."""
        started = time.perf_counter()
        table = reader.open_table(path, path.name)
        custom = custom_import.targets(importer)
        mapped = custom_import.guess_columns(table.headers, definitions=custom)
        classifier = classify.Classifier(viewer=importer, unique=custom_import.UniqueCheck(mapped, custom, viewer=importer))
        for chunk in classify.clean_chunks(table, classify.RowCleaner(mapped, preview=True, custom=custom)):
            classifier.classify(chunk)
        seconds = time.perf_counter() - started
        self.stdout.write(f"preview: {rows:,} rows labelled in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")

    def _import(self, path, importer, rows):
        before = _peak_mb()
        reset_queries()
        parsed = []
        started = time.perf_counter()
        outcome = import_services.customers_import(
            path=path, name=path.name, owner=importer, by=importer, on_duplicate=ImportJob.OnDuplicate.SKIP,
            all_or_nothing=True, progress=lambda done, total=None: parsed.append(time.perf_counter()),
        )
        seconds = time.perf_counter() - started
        if settings.DEBUG:  # Django keeps the statements and their times only then
            for query in sorted(connection.queries, key=lambda q: -float(q["time"]))[:5]:
                self.stdout.write(f"    slowest statements: {query['time']} s  {query['sql'][:120]}")
        self.stdout.write(f"  reading, checking and staging the rows took {parsed[-1] - started:.1f} s, "
                          f"inserting and the merge check {time.perf_counter() - parsed[-1]:.1f} s")
        self.stdout.write(
            f"import: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
            f"(created {outcome.created:,}, duplicates skipped {len(outcome.rejected):,}); "
            f"peak RSS {_peak_mb():.0f} MB (was {before:.0f} MB before the import)"
        )

    def _export(self, importer, folder, rows, compare):
        customers = visible_customers(importer).order_by("-created_at", "-id")[:rows]
        for fmt in ("xlsx", "csv"):
            started = time.perf_counter()
            with open(folder / f"export.{fmt}", "wb") as handle:
                count = exports.export_customers(customers=customers, fmt=fmt, target=handle, by=importer)
            seconds = time.perf_counter() - started
            size = (folder / f"export.{fmt}").stat().st_size / 1e6
            self.stdout.write(f"export {fmt}: {count:,} rows in {seconds:.1f} s ({size:.1f} MB)")
        if compare:
            self._compare_writers(importer, customers)

    # --- Other libraries, for the record (--compare) ---------------------------------------------

    def _compare_readers(self, path, rows):
        started = time.perf_counter()
        count = sum(1 for _row in reader.open_table(path, path.name).rows)
        self.stdout.write(f"  read with transfers.reader (streamed C XML parser): {count:,} rows in "
                          f"{time.perf_counter() - started:.1f} s")
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            self.stdout.write("  python-calamine is not installed: not compared")
        else:
            started = time.perf_counter()
            count = sum(1 for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
            self.stdout.write(f"  read with python-calamine: {count:,} rows in {time.perf_counter() - started:.1f} s")
        from openpyxl import load_workbook
        started = time.perf_counter()
        count = sum(1 for _row in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        self.stdout.write(f"  read with openpyxl (read-only): {count:,} rows in {time.perf_counter() - started:.1f} s")

    def _compare_writers(self, importer, customers):
        resource_ = columns.CustomerResource()
        rows = list(resource_.export_rows(customers))
        started = time.perf_counter()
        writer = XlsxWriter(io.BytesIO(), sheet_name="客户")
        writer.header(resource_.headers())
        for cells in rows:
            writer.append(cells)
        writer.close()
        self.stdout.write(f"  write {len(rows):,} rows with transfers.writer.XlsxWriter: {time.perf_counter() - started:.1f} s")
        try:
            import xlsxwriter
        except ImportError:
            self.stdout.write("  XlsxWriter is not installed: not compared")
            return
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True, "in_memory": False, "strings_to_formulas": False,
                                                      "strings_to_numbers": False, "strings_to_urls": False})
        sheet = workbook.add_worksheet("客户")
        sheet.write_row(0, 0, resource_.headers())
        for number, cells in enumerate(rows, start=1):
            sheet.write_row(number, 0, cells)
        workbook.close()
        self.stdout.write(f"  write {len(rows):,} rows with XlsxWriter (constant_memory): {time.perf_counter() - started:.1f} s")
