"""manage.py bench_attachments: the files panel of a record when the table holds millions of
attachments (issue 25: 2,000,000 attachments' metadata, a customer's page within 100 ms p95).

Inserts --rows metadata rows (no bytes) on synthetic records (negative target ids, so no real
page shows them) spread by a hash (2 files per record on average, some with 6 or more), ANALYZEs,
then times the panel's query and template (attachments.sections) for --samples random records,
and deletes its rows again unless --keep. Needs one customer in the database (seed_demo).
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.template.loader import render_to_string

from accounts.models import User
from attachments import sections
from attachments.models import Attachment
from common import bulk
from crm.models import Customer


class Command(BaseCommand):
    help = "Time the attachments panel with --rows attachment rows in the table (default 2,000,000)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=2_000_000)
        parser.add_argument("--records", type=int, default=1_000_000, help="synthetic records the rows spread over")
        parser.add_argument("--samples", type=int, default=300)
        parser.add_argument("--keep", action="store_true", help="leave the synthetic rows in the table")

    def handle(self, *args, rows, records, samples, keep, **options):
        customer = Customer.objects.order_by("pk").first()
        viewer = User.objects.filter(role=User.Role.ADMIN, is_active=True).first()
        if customer is None or viewer is None:
            raise CommandError("Needs a customer and an admin: run manage.py seed_demo first.")
        started = time.monotonic()
        self._seed(rows, records, customer.pk)
        bulk.analyze(Attachment)
        self.stdout.write(f"Seeded {rows:,} attachment rows over {records:,} records in {time.monotonic() - started:.1f} s "
                          f"(table now {Attachment.objects.count():,} rows).")
        try:
            timings, files = self._measure(viewer, records, samples)
        finally:
            if not keep:
                Attachment.objects.filter(target_id__lt=0).delete()
                bulk.analyze(Attachment)
        timings.sort()
        p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
        self.stdout.write(f"Files panel (query + template), {samples} random records, {files} files shown in all: "
                          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms.")

    def _seed(self, rows, records, customer_id):
        # A hash of i picks the record: one in twenty rows is a removed file (the admin's list).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Attachment._meta.db_table}
                    (target_type, target_id, customer_id, file, name, content_type, size, sha256, previewable,
                     uploaded_by_id, uploaded_at, removed_at, removed_by_id)
                SELECT (ARRAY['customer','followup','deal'])[1 + i %% 3],
                       -1 - (abs(hashtextextended(i::text, 0)) %% %s),
                       %s, 'attachments/bench/' || i || '.png', 'bench-' || i || '.png', 'image/png',
                       100000, repeat('0', 64), true, NULL,
                       now() - (i %% 100000) * interval '1 minute',
                       CASE WHEN i %% 20 = 0 THEN now() ELSE NULL END, NULL
                FROM generate_series(1, %s) AS i
                """,
                [records, customer_id, rows],
            )

    def _measure(self, viewer, records, samples):
        import random

        rng = random.Random(25)
        timings, files = [], 0
        for _ in range(samples):
            record = Customer(pk=-1 - rng.randrange(records))
            start = time.perf_counter()
            section = sections._section(viewer, "customer", record)
            render_to_string("attachments/_section.html", {"section": section})
            timings.append((time.perf_counter() - start) * 1000)
            files += len(section["attachments"])
        return timings, files
