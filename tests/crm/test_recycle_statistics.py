"""Issue 21.5: a recycle that moved many customers leaves the customer and custody tables with
fresh planner statistics, so the pool search of the morning is not planned from yesterday's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from crm import services
from crm.models import Custody, Customer
from tests.factories import CustomerFactory

TABLES = [Customer._meta.db_table, Custody._meta.db_table]


def _now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _analysed_since(moment) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_analyze >= %s",
                       [TABLES, moment])
        return {name for (name,) in cursor.fetchall()}


def _neglected(cast, n):
    return [CustomerFactory(owner=cast.sales1, created_at=timezone.now() - timedelta(days=400)) for _ in range(n)]


@pytest.mark.django_db(transaction=True)  # ANALYZE counts committed rows, as at night
def test_a_recycle_analyzes_customers_and_custody(cast):
    _neglected(cast, 3)
    before = _now()
    assert sum(services.pool_recycle(workers=1).values()) == 3
    assert _analysed_since(before) == set(TABLES)
