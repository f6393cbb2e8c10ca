"""Read replicas for reports only, a shared cache from CACHE_URL (docs/scaling.md)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from common.env import cache_from_url
from config.db_router import ReportsReplicaRouter, replica_reads
from config import db_router
from crm.models import Customer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def router(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    return ReportsReplicaRouter()


def test_reads_go_to_the_primary_unless_a_report_asks_for_the_replica(router):
    assert router.db_for_read(Customer) == "default"
    with replica_reads():
        assert router.db_for_read(Customer) == "replica"
    assert router.db_for_read(Customer) == "default"


def test_writes_and_reads_inside_a_transaction_stay_on_the_primary(router, transactional_db):
    with replica_reads():
        assert router.db_for_write(Customer) == "default"
        with transaction.atomic():  # a claim reads and writes in one transaction: never the replica
            assert router.db_for_read(Customer) == "default"


def test_without_a_replica_reports_read_the_primary():
    with replica_reads():
        assert ReportsReplicaRouter().db_for_read(Customer) == "default"


def test_the_replica_is_never_migrated(router):
    assert router.allow_migrate("default", "crm") is True
    assert router.allow_migrate("replica", "crm") is False


def test_cache_url_picks_redis_or_local_memory():
    assert cache_from_url("redis://cache.internal:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache.internal:6379/1", "KEY_PREFIX": "crm",
    }
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://cache:11211")


def test_settings_add_the_replica_router_and_redis_from_the_environment():
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
        "DATABASE_URL": "postgresql://crm@db1/crm", "DATABASE_REPLICA_URL": "postgresql://crm_ro@db2:5433/crm",
        "CACHE_URL": "redis://cache:6379/0", "DISABLE_SERVER_SIDE_CURSORS": "1",
    }
    script = (
        "from django.conf import settings as s; d = s.DATABASES;"
        "print(s.DATABASE_ROUTERS, d['replica']['HOST'], d['replica']['PORT'], d['replica']['TEST']['MIRROR'],"
        " d['default']['DISABLE_SERVER_SIDE_CURSORS'], s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {script}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['config.db_router.ReportsReplicaRouter']", "db2", "5433", "default", "True",
        "django.core.cache.backends.redis.RedisCache",
    ]
