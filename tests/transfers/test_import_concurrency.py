"""An import and colleagues at work at the same time (SPEC §1.C, §9; issue 21 item 5).

The import reads, checks and stages its rows without locking anyone out, and takes the
customer-keys lock only to check its new customers against what others committed meanwhile.
Every test pauses one side at a named point with threading events (no sleeps, no timing): the
outcome is the same however slow the machine is.
"""

import threading

import pytest
from django.db import connection, connections

from crm import duplicates, services
from crm.models import Custody, Customer
from tests.factories import CustomerFactory
from transfers import classify
from transfers import services as import_services

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 60  # seconds an event may take before the test gives up: a hang, not a timing assumption


class Pause:
    """Wraps `owner.name` so that its first call (in whichever thread) stops until released,
    before or after running the original."""

    def __init__(self, monkeypatch, owner, name, *, after=False):
        self.reached, self.release = threading.Event(), threading.Event()
        original, calls = getattr(owner, name), []

        def paused(*args, **kwargs):
            calls.append(1)
            first = len(calls) == 1
            if first and not after:
                self._stop()
            result = original(*args, **kwargs)
            if first and after:
                self._stop()
            return result

        monkeypatch.setattr(owner, name, paused)

    def _stop(self):
        self.reached.set()
        assert self.release.wait(WAIT), "never released"


class Worker(threading.Thread):
    """Runs `work` in its own thread and database connection; keeps its result or error."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None
        self.start()

    def run(self):
        try:
            self.result = self.work()
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            self.error = error
        finally:
            connections.close_all()

    def outcome(self):
        self.join(WAIT)
        assert not self.is_alive(), "the worker never finished"
        return self.result, self.error


def _sheet(tmp_path, rows, name="sheet.csv"):
    path = tmp_path / name
    lines = ["客户名称,公司名称,手机号码"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path, user):
    return lambda: import_services.customers_import(path=path, name=path.name, owner=user, by=user)


def _create(user, name, phone, *, lock_timeout=None):
    def work():
        if lock_timeout:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{lock_timeout}'")
        return services.customer_create(data={"name": name, "company": "", "phone": phone}, owner=user, by=user)
    return work


def _waiting_for_a_lock(pid) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def _backend_pid(worker_pids, key):
    for _ in range(10_000):
        if key in worker_pids:
            return worker_pids[key]
        threading.Event().wait(0.01)
    raise AssertionError("the worker never connected")


def _wait_until_blocked(pid):
    """Polls PostgreSQL until the connection `pid` waits for a lock (a state, not a delay)."""
    for _ in range(6_000):
        if _waiting_for_a_lock(pid):
            return
        threading.Event().wait(0.01)
    raise AssertionError("the other side never waited for the lock")


def test_colleagues_save_customers_while_an_import_checks_its_rows(cast, monkeypatch, tmp_path):
    theirs = CustomerFactory(name="同事的客户", phone="13900001111", owner=cast.sales1b)
    pause = Pause(monkeypatch, classify, "_existing")  # the duplicate look-up, inside classification
    importing = Worker(_import(_sheet(tmp_path, [["新客户甲", "甲公司", "13800000001"]]), cast.sales1))
    assert pause.reached.wait(WAIT)

    def edit():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        customer = Customer.objects.get(pk=theirs.pk)
        return services.customer_update(customer=customer, data={"phone": "13900002222", "notes": "导入时改的"},
                                        by=cast.sales1b)

    edited, error = Worker(edit).outcome()
    assert error is None, error  # with the old table lock: "canceling statement due to lock timeout"
    added, error = Worker(_create(cast.sales1b, "同事新加的", "13700000003", lock_timeout="2s")).outcome()
    assert error is None, error
    pause.release.set()
    outcome, error = importing.outcome()
    assert error is None and outcome.created == 1
    assert Customer.objects.get(pk=theirs.pk).phone == "13900002222"
    assert Customer.objects.filter(pk=added.pk).exists()


def test_a_customer_saved_by_hand_while_the_file_was_read_wins_over_the_import(cast, monkeypatch, tmp_path):
    pause = Pause(monkeypatch, import_services, "_merge")  # inserted, not yet checked again
    importing = Worker(_import(_sheet(tmp_path, [["导入的张三", "", "13800000009"], ["李四", "", "13800000010"]]),
                               cast.sales1))
    assert pause.reached.wait(WAIT)
    saved, error = Worker(_create(cast.sales2, "手工的张三", "138-0000-0009")).outcome()
    assert error is None, error  # the import's rows are not committed: the save sees nothing to refuse
    pause.release.set()
    outcome, error = importing.outcome()
    assert error is None and outcome.created == 1
    assert "is already held by" in outcome.rejected[2]
    assert list(Customer.objects.filter(normalized_phone="13800000009").values_list("name", flat=True)) == ["手工的张三"]
    assert not Custody.objects.filter(customer__name="导入的张三").exists()
    assert Customer.objects.filter(name="李四", owner=cast.sales1).exists()


def test_of_two_imports_of_one_phone_only_the_first_to_commit_gets_it(cast, monkeypatch, tmp_path):
    pause = Pause(monkeypatch, import_services, "_merge")
    first = Worker(_import(_sheet(tmp_path, [["甲方", "", "13800000021"]], "a.csv"), cast.sales1))
    assert pause.reached.wait(WAIT)
    second, error = Worker(_import(_sheet(tmp_path, [["乙方", "", "+86 138 0000 0021"]], "b.csv"), cast.sales2)).outcome()
    assert error is None and second.created == 1
    pause.release.set()
    outcome, error = first.outcome()
    assert error is None and (outcome.created, list(outcome.rejected)) == (0, [2])
    assert list(Customer.objects.filter(normalized_phone="13800000021").values_list("name", flat=True)) == ["乙方"]


def test_an_import_waits_for_a_save_in_progress_and_then_leaves_its_customer_alone(cast, monkeypatch, tmp_path):
    pause = Pause(monkeypatch, duplicates, "find_duplicates", after=True)  # checked, not yet saved (crm/duplicates.py)
    pids = {}

    def create():
        pids["save"] = connection.cursor().connection.info.backend_pid
        return _create(cast.sales2, "手工的王五", "13800000031")()

    saving = Worker(create)
    assert pause.reached.wait(WAIT)

    def run_import():
        pids["import"] = connection.cursor().connection.info.backend_pid
        return _import(_sheet(tmp_path, [["导入的王五", "", "13800000031"]]), cast.sales1)()

    importing = Worker(run_import)
    _wait_until_blocked(_backend_pid(pids, "import"))  # the import's merge waits for the save's lock
    pause.release.set()
    _saved, error = saving.outcome()
    assert error is None
    outcome, error = importing.outcome()
    assert error is None and outcome.created == 0 and 2 in outcome.rejected
    assert list(Customer.objects.filter(normalized_phone="13800000031").values_list("name", flat=True)) == ["手工的王五"]


def test_a_save_waits_for_an_import_merging_and_is_then_refused_as_a_duplicate(cast, monkeypatch, tmp_path):
    pause = Pause(monkeypatch, import_services, "_merge", after=True)  # checked again, not yet committed
    importing = Worker(_import(_sheet(tmp_path, [["导入的赵六", "", "13800000041"]]), cast.sales1))
    assert pause.reached.wait(WAIT)
    pids = {}

    def create():
        pids["save"] = connection.cursor().connection.info.backend_pid
        return _create(cast.sales2, "手工的赵六", "13800000041")()

    saving = Worker(create)
    _wait_until_blocked(_backend_pid(pids, "save"))
    pause.release.set()
    outcome, error = importing.outcome()
    assert error is None and outcome.created == 1
    _saved, error = saving.outcome()
    assert isinstance(error, services.DuplicateCustomer)
    assert list(Customer.objects.filter(normalized_phone="13800000041").values_list("name", flat=True)) == ["导入的赵六"]
