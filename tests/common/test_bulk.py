import pytest
from django.db import connection

from common import bulk

pytestmark = pytest.mark.django_db


def _backend_pid(share):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return share, cursor.fetchone()[0]


def _own_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_it_shares_the_work_among_connections_of_their_own():
    results = bulk.in_parallel(_backend_pid, range(4), workers=2)
    assert [share for share, _pid in results] == [0, 1, 2, 3]  # in the order of the shares
    pids = {pid for _share, pid in results}
    assert _own_pid() not in pids and 1 <= len(pids) <= 4


def test_one_worker_runs_in_the_callers_connection():
    assert bulk.in_parallel(_backend_pid, [7], workers=1) == [(7, _own_pid())]


def test_a_failure_in_a_share_reaches_the_caller():
    def fail(share):
        raise ValueError(share)

    with pytest.raises(ValueError):
        bulk.in_parallel(fail, range(2), workers=2)
