"""How `manage.py bench` times a page: server time per request, its SQL, and the SQL floor (the
page's own queries run alone, what it cannot go below)."""

import statistics
import time

from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _replayable(sql: str) -> bool:
    """Statements the floor re-runs: reads only (a GET page writes nothing we want twice)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH"}


def sql_floor(queries: list[dict], runs: int) -> dict:
    """Re-execute a page's captured queries alone, on the same connection, `runs` times.

    The captured SQL is the exact text the server received (parameters inlined by psycopg2),
    run through a raw driver cursor with every row fetched: what the page cannot go below."""
    statements = [query["sql"] for query in queries if _replayable(query["sql"])]
    timings = []
    connection.ensure_connection()
    raw = connection.connection.cursor()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            for sql in statements:
                raw.execute(sql)
                if raw.description is not None:
                    raw.fetchall()
            timings.append(time.perf_counter() - start)
    finally:
        raw.close()
    return {"p50": statistics.median(timings), "statements": len(statements), "skipped": len(queries) - len(statements)}


def measure(client, url: str, *, warmup: int, requests: int, strict=True) -> dict | None:
    """Server time of GET `url` (the first timed request, p50, p95) and the queries of the last
    request. A page that does not answer 200 stops the run (`strict`) or gives None (the admin
    refusing a page past its end)."""
    for _ in range(warmup):
        client.get(url, secure=True)
    timings, sql_times = [], []
    for _ in range(requests):
        reset_queries()  # the log holds 9,000 queries: past that, captures would come back empty
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            timings.append(time.perf_counter() - start)
        sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
    if response.status_code != 200:
        if not strict:
            return None
        raise CommandError(f"{url} answered {response.status_code} {response.headers.get('Location', '')}")
    return {
        "first": timings[0],  # without warmup: what the first visitor waits
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "sql_p50": statistics.median(sql_times),
        "queries": list(queries.captured_queries),
    }


# The tables that grow with the business (a count over a group's people is bounded by its size).
LARGE_TABLES = ('"crm_customer"', '"crm_followup"', '"crm_custody"', '"workplans_plan"')


def unbounded_counts(queries: list[dict]) -> int:
    """COUNTs over a large table with no LIMIT: they read every matching row on every request."""
    return sum(
        1 for query in queries
        if "COUNT(" in query["sql"].upper() and " LIMIT " not in query["sql"].upper()
        and any(table in query["sql"] for table in LARGE_TABLES)
    )


def ratio(numerator, denominator):
    return round(numerator / denominator, 2) if numerator is not None and denominator else None
