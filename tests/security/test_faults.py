"""Nothing lost under faults: a failure injected in the middle of give-up, claim, pool assignment,
the import and recycling leaves the database exactly as before; a worker killed during an import
leaves no half-import, and the job is marked failed and can be retried.

Each fault makes the step after the first write raise, through the real view or command."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from crm import ownership, services
from crm.models import Custody, Customer
from tests.factories import CustomerFactory
from tests.security.forms import fingerprint
from tests.transfers.importexport_helpers import confirm, csv_bytes, private_files, upload  # noqa: F401
from transfers import services as import_services
from transfers import tasks as import_tasks
from transfers.jobs import private_path
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db
FAULTS = []  # (name) of every fault injected, for the count in docs/security.md


class Injected(Exception):
    pass


def fail_on_call(monkeypatch, module, name, call=1, exception=Injected):
    """Make module.name raise on its `call`-th call (earlier calls run normally)."""
    original, calls = getattr(module, name), []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise exception(f"injected into {name}")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    FAULTS.append(f"{module.__name__}.{name}#{call}")
    return calls


def fail_after_call(monkeypatch, module, name):
    """Make module.name do its work, then raise (a failure right after a write)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        original(*args, **kwargs)
        raise Injected(f"injected after {name}")

    monkeypatch.setattr(module, name, wrapper)
    FAULTS.append(f"{module.__name__}.{name}+")


def _crashing_client(client_for, user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


def _state(*customers):
    return fingerprint(), [Customer.objects.filter(pk=c.pk).values_list("owner_id", "pooled_at", "pool_reason").get()
                           for c in customers]


def test_give_up_failing_after_the_customer_moved_changes_nothing(cast, client_for, monkeypatch):
    customer = CustomerFactory(owner=cast.sales1)
    before = _state(customer)
    fail_after_call(monkeypatch, ownership, "_write")  # moved, custody written
    response = _crashing_client(client_for, cast.sales1).post(reverse("crm:customer-give-up", args=[customer.pk]),
                                                              {"reason": "no_need"})
    assert response.status_code == 500
    assert _state(customer) == before


def test_claim_failing_after_the_guarded_update_changes_nothing(cast, client_for, monkeypatch):
    customer = CustomerFactory(owner=None, created_by=cast.sales2)
    before = _state(customer)
    fail_after_call(monkeypatch, ownership, "_write")  # moved, custody written
    response = _crashing_client(client_for, cast.sales1).post(reverse("crm:pool-claim", args=[customer.pk]))
    assert response.status_code == 500
    assert _state(customer) == before
    # And the customer is still there to claim once the fault is gone.
    monkeypatch.undo()
    client_for(cast.sales1).post(reverse("crm:pool-claim", args=[customer.pk]))
    assert Customer.objects.get(pk=customer.pk).owner == cast.sales1


def test_pool_assignment_failing_midway_changes_nothing(cast, client_for, monkeypatch):
    customer = CustomerFactory(owner=None, created_by=cast.sales2)
    before = _state(customer)
    fail_after_call(monkeypatch, ownership, "_write")  # moved, custody written
    response = _crashing_client(client_for, cast.sup1).post(reverse("crm:pool-assign", args=[customer.pk]),
                                                            {"owner": cast.sales1.pk})
    assert response.status_code == 500
    assert _state(customer) == before


@pytest.mark.parametrize("step, call", [
    ("_merge", 1),  # customers inserted, the check against what others entered meanwhile fails
    ("_update", 1),  # updating the importer's own duplicates fails
])
def test_import_failing_midway_imports_nothing_and_says_so(cast, client_for, monkeypatch, step, call):
    client = client_for(cast.sales1)
    _, job = upload(client, csv_bytes([["客户名称", "电话"], ["故障一", "13800000001"], ["故障二", "13800000002"]]),
                    name="faults.csv")
    assert job.status == ImportJob.Status.PREVIEW
    customers_before, custody_before = Customer.objects.count(), Custody.objects.count()
    fail_on_call(monkeypatch, import_services, step, call=call)
    confirm(client, job)
    assert job.status == ImportJob.Status.FAILED and "nothing was imported" in job.message
    assert not Customer.objects.filter(name__startswith="故障").exists()
    assert not Custody.objects.filter(reason=Custody.Reason.IMPORTED).exists()
    assert (Customer.objects.count(), Custody.objects.count()) == (customers_before, custody_before)


def test_recycling_failing_after_the_first_rule_leaves_each_customer_whole(cast, monkeypatch, capsys):
    """Recycling commits batch by batch (a night's run may move 300,000 customers): a failure
    leaves every customer either in the pool with its custody row or with its owner, untouched."""
    old = timezone.now() - timedelta(days=400)
    vip, *normals = [CustomerFactory(owner=cast.sales1, grade=grade, created_at=old) for grade in ("vip", "normal", "normal")]
    before = _state(*normals)
    fail_on_call(monkeypatch, services, "_recycle_share", call=3)  # probation, VIP, then normal fails
    with pytest.raises(Injected):
        call_command("recycle_pool")
    assert _state(*normals)[1] == before[1]
    assert not Custody.objects.filter(customer__in=normals, reason=Custody.Reason.RECYCLED).exists()
    assert Customer.objects.get(pk=vip.pk).owner is None
    assert Custody.objects.filter(customer=vip, reason=Custody.Reason.RECYCLED).count() == 1
    monkeypatch.undo()
    call_command("recycle_pool")  # the next night's run finishes the job
    assert not Customer.objects.filter(pk__in=[vip.pk, *(c.pk for c in normals)], owner__isnull=False).exists()


class WorkerKilled(BaseException):
    """What the import sees when its worker dies: nothing in the task gets to handle it."""


def test_a_worker_killed_during_an_import_leaves_no_rows_and_the_job_can_be_retried(cast, client_for, monkeypatch):
    client = client_for(cast.sales1)
    _, job = upload(client, csv_bytes([["客户名称", "电话"], ["中断一", "13800000011"], ["中断二", "13800000012"]]),
                    name="killed.csv")
    fail_on_call(monkeypatch, import_services, "_merge", call=1, exception=WorkerKilled)
    try:  # the task runner may swallow it; either way the worker is gone
        confirm(client, job)
    except WorkerKilled:
        pass
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING  # the dead worker never said otherwise
    assert not Customer.objects.filter(name__startswith="中断").exists()

    # Within the stale delay the page still shows it running; after it, the job is marked failed.
    page = client.get(job.get_absolute_url())
    assert job.get_status_display() in page.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "interrupted" in job.message
    assert "Retry this import" in page

    response = client.post(reverse("transfers:customer-import-retry", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == ImportJob.Status.PREVIEW
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    assert Customer.objects.filter(name__startswith="中断", owner=cast.sales1).count() == 2


def test_a_job_whose_worker_is_alive_is_never_marked_failed(cast, client_for):
    client = client_for(cast.sales1)
    _, job = upload(client, csv_bytes([["客户名称", "电话"], ["慢一", "13800000021"]]), name="slow.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING,
                                               updated_at=timezone.now() - timedelta(hours=1))
    key = import_tasks._job_lock_key(job.pk)
    worker = connections.create_connection("default")  # another process's connection, holding the job's lock
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
        assert import_tasks.reap_stale_imports(pks=[job.pk]) == 0
    finally:
        worker.close()  # the worker dies: PostgreSQL releases its lock, a moment after the connection closes
    _wait_until_released(key)
    assert import_tasks.reap_stale_imports(pks=[job.pk]) == 1


def _wait_until_released(key):
    """Block until PostgreSQL has released the dead worker's lock: take it (waiting in the lock queue,
    so PostgreSQL wakes us when it is free; lock_timeout bounds the wait) and let it go again."""
    observer = connections.create_connection("default")
    try:
        with observer.cursor() as cursor:
            cursor.execute("SET lock_timeout = '30s'")
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])
    finally:
        observer.close()


def test_a_failed_job_cannot_be_retried_by_anyone_else_nor_without_its_file(cast, client_for, settings):
    client = client_for(cast.sales1)
    _, job = upload(client, csv_bytes([["客户名称", "电话"], ["重试", "13800000031"]]), name="retry.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    assert client_for(cast.sup1).post(reverse("transfers:customer-import-retry", args=[job.pk])).status_code == 404
    private_path(job.upload_path).unlink()
    response = client.post(reverse("transfers:customer-import-retry", args=[job.pk]), follow=True)
    assert "cannot be retried" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
