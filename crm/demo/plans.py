"""Millions of demo work plans for the benchmark, generated inside PostgreSQL (INSERT ... SELECT).

Spread over the last two years and the next month; 90% of past plans completed. No status
history (lists do not read it). The README's handful of realistic plans come from workplans.demo.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from crm.demo.bulk import indexes_deferred, worth_deferring
from workplans.demo import COMPANIES, SUBJECTS
from workplans.models import Plan


def seed_plans(*, target: int, author_ids: list[int], batch=500_000, progress=None) -> int:
    """Add plans until there are `target` in all (running again adds nothing)."""
    existing = Plan.objects.count()
    missing = target - existing
    if missing <= 0 or not author_ids:
        return 0
    subjects = [subject.format(c=company) for subject in SUBJECTS for company in COMPANIES]
    now = timezone.now()
    added = 0
    with transaction.atomic(), indexes_deferred(Plan._meta.db_table, enabled=worth_deferring(missing, existing)):
        while added < missing:
            size = min(batch, missing - added)
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO workplans_plan (author_id, subject, content, remarks, start_at, end_at, status,
                                                completed_at, completed_by_id, created_at, updated_at)
                    SELECT author, subject, '', '', start_at, end_at, CASE WHEN done THEN 'done' ELSE 'open' END,
                           CASE WHEN done THEN end_at END, CASE WHEN done THEN author END,
                           start_at - interval '2 days', start_at - interval '2 days'
                    FROM (
                        SELECT author, subject, start_at, end_at, end_at < %(now)s AND random() < 0.9 AS done
                        FROM (
                            SELECT author, subject, start_at, start_at + minutes * interval '1 minute' AS end_at
                            FROM (
                                SELECT (%(authors)s::bigint[])[1 + floor(random() * %(n_authors)s)::int] AS author,
                                       (%(subjects)s::text[])[1 + floor(random() * %(n_subjects)s)::int] AS subject,
                                       date_trunc('minute', %(base)s + random() * %(span)s) AS start_at,
                                       30 * (1 + floor(random() * 4)) AS minutes
                                FROM generate_series(1, %(size)s) AS g(n)
                            ) AS drawn
                        ) AS timed
                    ) AS planned
                    """,
                    {"authors": list(author_ids), "n_authors": len(author_ids), "subjects": subjects,
                     "n_subjects": len(subjects), "now": now, "base": now - timedelta(days=730),
                     "span": timedelta(days=760), "size": size},
                )
            added += size
            if progress:
                progress(added, missing)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workplans_plan")
    return added
