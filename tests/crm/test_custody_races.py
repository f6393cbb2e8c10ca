"""Changes of owner racing each other (issue 19.4 and 19.5), with real threads and connections.

Each test forces one interleaving with events (one thread stops at a named point until the
other has done its part); where a thread must be *waiting for a lock* before the other goes on,
the test asks PostgreSQL (pg_blocking_pids) instead of sleeping. The `timeout`s only keep a
broken run from hanging: a test that reaches one fails.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from crm import services
from crm.models import Custody, Customer
from staff import offboarding
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import private_files, upload, xlsx_bytes  # noqa: F401
from transfers import classify, reader
from transfers import services as import_services
from transfers import tasks as import_tasks
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 60


class Worker(threading.Thread):
    """Runs `work` in its own thread and database connection; keeps its result or exception."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.result, self.error, self.pid = work, None, None, None
        self.connected = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            self.result = self.work()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            self.error = error
        finally:
            connections.close_all()

    def finish(self):
        self.join(TIMEOUT)
        assert not self.is_alive(), "the thread did not finish"
        return self


def blocked(worker: Worker, *, then: threading.Event) -> bool:
    """Whether `worker` came to wait for a lock another transaction holds, as PostgreSQL reports
    it, rather than finishing without waiting; `then` is set either way, to let the other go on."""
    try:
        assert worker.connected.wait(TIMEOUT)
        deadline = timezone.now() + timedelta(seconds=TIMEOUT)
        pause = threading.Event()
        while worker.is_alive():
            with connection.cursor() as cursor:
                cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [worker.pid])
                if cursor.fetchone()[0]:
                    return True
            assert timezone.now() < deadline, "the thread neither waited for a lock nor finished"
            pause.wait(0.01)
        return False
    finally:
        then.set()


def pause_after(monkeypatch, owner, name, *, reached, go):
    """Make owner.name, when called in a Worker, tell `reached` after it returns, then wait for `go`."""
    real = getattr(owner, name)

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        if isinstance(threading.current_thread(), Worker):
            reached.set()
            assert go.wait(TIMEOUT)
        return result

    monkeypatch.setattr(owner, name, paused)


def _holds(user) -> int:
    return Customer.objects.filter(owner=user).count()


def _active(user) -> bool:
    return User.objects.get(pk=user.pk).is_active


# --- 19.4: a claim racing the claimer's offboarding --------------------------------------------------


def test_a_claim_that_resumes_after_the_claimers_offboarding_is_refused(cast, monkeypatch):
    """The claim has passed its checks when the admin offboards the claimer; it then finds the
    account deactivated and takes nothing (on main it took the customer for the departed)."""
    customer = CustomerFactory(owner=None, created_by=None)
    checked, offboarded = threading.Event(), threading.Event()
    pause_after(monkeypatch, services, "_check_fairness", reached=checked, go=offboarded)
    claim = Worker(lambda: services.customer_claim(customer=Customer.objects.get(pk=customer.pk), by=cast.sales1))
    claim.start()
    assert checked.wait(TIMEOUT)
    try:
        offboarding.offboard(person=cast.sales1, by=cast.admin)
    finally:
        offboarded.set()
    claim.finish()

    assert isinstance(claim.error, services.ClaimRefused)
    assert claim.error.message == "张三 has left the company: customers cannot go to them."
    assert not _active(cast.sales1) and _holds(cast.sales1) == 0
    assert Customer.objects.get(pk=customer.pk).owner is None
    assert not Custody.objects.filter(customer=customer).exists()


def test_offboarding_waits_for_a_claim_in_flight_and_sweeps_it(cast, monkeypatch):
    """The claim has moved the customer but not committed when the offboarding starts: the
    offboarding waits for it (the claimer's row lock), then moves that customer too."""
    customer = CustomerFactory(owner=None, created_by=None)
    moved, release = threading.Event(), threading.Event()
    pause_after(monkeypatch, Customer, "refresh_from_db", reached=moved, go=release)  # the claim's last step
    claim = Worker(lambda: services.customer_claim(customer=Customer.objects.get(pk=customer.pk), by=cast.sales1))
    claim.start()
    assert moved.wait(TIMEOUT)
    offboard = Worker(lambda: offboarding.offboard(person=cast.sales1, by=cast.admin))
    offboard.start()
    waited = blocked(offboard, then=release)
    claim.finish(), offboard.finish()
    assert waited, "offboarding did not wait for the claim"

    assert claim.error is None and offboard.error is None
    assert offboard.result.customers == 1
    assert not _active(cast.sales1) and _holds(cast.sales1) == 0
    assert list(Custody.objects.filter(customer=customer).order_by("id").values_list("reason", flat=True)) == [
        Custody.Reason.CLAIMED, Custody.Reason.OFFBOARDED]


def test_a_customer_the_leaver_adds_during_the_offboarding_waits_and_is_refused(cast, monkeypatch):
    """From another tab, the leaver saves a new customer while the offboarding runs: the save
    waits for it and is refused with a message, and the offboarding completes."""
    CustomerFactory(owner=cast.sales1)
    read, release = threading.Event(), threading.Event()
    pause_after(monkeypatch, offboarding, "_owned_rows", reached=read, go=release)
    offboard = Worker(lambda: offboarding.offboard(person=cast.sales1, by=cast.admin))
    offboard.start()
    assert read.wait(TIMEOUT)
    create = Worker(lambda: services.customer_create(data={"name": "新客户"}, owner=cast.sales1, by=cast.sales1))
    create.start()
    waited = blocked(create, then=release)
    offboard.finish(), create.finish()
    assert waited, "the save did not wait for the offboarding"

    assert offboard.error is None and offboard.result.customers == 1
    assert getattr(create.error, "message", None) == "张三 has left the company: customers cannot go to them."
    assert not _active(cast.sales1) and _holds(cast.sales1) == 0
    assert not Customer.objects.filter(name="新客户").exists()


# --- 19.4: an import confirmed for someone offboarded meanwhile -------------------------------------


def _confirmed_import_for(cast, client_for, owner):
    """sup1 uploads three customers for `owner` and confirms: the job waits for the worker."""
    _response, job = upload(client_for(cast.sup1), xlsx_bytes([["Name", "Phone"], ["甲", "13900000001"],
                                                               ["乙", "13900000002"], ["丙", "13900000003"]]),
                            owner=owner.pk)
    assert job.status == ImportJob.Status.PREVIEW
    return import_services.import_confirm(job=job, on_duplicate="skip", all_or_nothing=True, by=cast.sup1)


def test_an_import_for_someone_offboarded_after_confirming_imports_nothing(cast, client_for, monkeypatch):
    """The worker has opened the file when the salesperson is offboarded: the import then fails
    with a message and nobody who has left receives anything (on main: three customers)."""
    job = _confirmed_import_for(cast, client_for, cast.sales1)
    read, offboarded = threading.Event(), threading.Event()
    pause_after(monkeypatch, reader, "open_table", reached=read, go=offboarded)  # before its transaction
    worker = Worker(lambda: import_tasks.run_import.call(job.pk))
    worker.start()
    assert read.wait(TIMEOUT)
    try:
        offboarding.offboard(person=cast.sales1, by=cast.admin)
    finally:
        offboarded.set()
    worker.finish()

    job.refresh_from_db()
    assert worker.error is None
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "张三 has left the company: customers cannot go to them."
    assert not Customer.objects.exists() and not _active(cast.sales1)


def test_offboarding_waits_for_an_import_in_flight_and_sweeps_its_customers(cast, client_for, monkeypatch):
    """The import holds the salesperson from the start of its transaction, while it checks
    duplicates: the offboarding waits, then moves the three new customers to the pool with the rest."""
    job = _confirmed_import_for(cast, client_for, cast.sales1)
    checking, release = threading.Event(), threading.Event()
    pause_after(monkeypatch, classify.Classifier, "classify", reached=checking, go=release)
    worker = Worker(lambda: import_tasks.run_import.call(job.pk))
    worker.start()
    assert checking.wait(TIMEOUT)
    offboard = Worker(lambda: offboarding.offboard(person=cast.sales1, by=cast.admin))
    offboard.start()
    waited = blocked(offboard, then=release)
    worker.finish(), offboard.finish()
    assert waited, "offboarding did not wait for the import"

    job.refresh_from_db()
    assert worker.error is None and offboard.error is None
    assert (job.status, job.created_count, offboard.result.customers) == (ImportJob.Status.DONE, 3, 3)
    assert not _active(cast.sales1) and _holds(cast.sales1) == 0
    assert Custody.objects.filter(reason=Custody.Reason.OFFBOARDED, from_owner=cast.sales1).count() == 3


# --- 19.5: a claim racing the owner's give-up ---------------------------------------------------


def test_a_claim_racing_the_owners_give_up_is_recorded_after_it_and_keeps_its_probation(cast, monkeypatch, settings):
    """sales2 starts claiming (the customer was just claimed by sales1, so the pool page still
    offers it) and passes the checks; sales1 gives it up; the claim completes. The history reads
    given up, then claimed, and 72 hours without a contact send it back (on main the claim was
    stamped before the give-up and probation skipped it)."""
    settings.POOL_CLAIM_PROBATION_HOURS = 72
    customer = CustomerFactory(owner=None, created_by=None)
    services.customer_claim(customer=customer, by=cast.sales1)
    checked, given_up = threading.Event(), threading.Event()
    pause_after(monkeypatch, services, "_check_fairness", reached=checked, go=given_up)
    claim = Worker(lambda: services.customer_claim(customer=Customer.objects.get(pk=customer.pk), by=cast.sales2))
    claim.start()
    assert checked.wait(TIMEOUT)
    try:
        services.customer_give_up(customer=customer, reason="不需要了", by=cast.sales1)
    finally:
        given_up.set()
    claim.finish()

    assert claim.error is None and Customer.objects.get(pk=customer.pk).owner == cast.sales2
    history = list(Custody.objects.filter(customer=customer))  # newest first, as the customer page shows it
    assert [row.reason for row in history] == [Custody.Reason.CLAIMED, Custody.Reason.GAVE_UP, Custody.Reason.CLAIMED]
    assert history[0].created_at >= history[1].created_at and history[0].pk > history[1].pk

    Custody.objects.filter(customer=customer).update(created_at=timezone.now() - timedelta(hours=73))
    assert services.pool_recycle()["probation"] == 1
    assert Customer.objects.get(pk=customer.pk).owner is None
