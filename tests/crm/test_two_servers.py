"""Past one machine (docs/scaling.md): two app servers on one PostgreSQL.

Two real gunicorn processes on different ports serve the test database; salespeople claim the
same pool customers through both at once, over HTTP. Every customer ends with exactly one owner
and one "claimed" custody row: the guarded UPDATE, not the app server, decides who wins.
"""

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from companylists import seeds
from companylists.models import Grade
from crm.models import Custody, Customer
from tests.factories import CustomerFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CSRF = "b" * 32  # an unmasked CSRF secret: the same value in the cookie and the header


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(port, process, deadline, log_path):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn on port {port} exited: {log_path.read_text()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"gunicorn on port {port} did not answer in time")


@pytest.fixture
def two_servers(tmp_path):
    """start(**env) -> two ports, each a gunicorn (8 threads) on the test database. The servers
    read the company's grades from the database: an earlier transactional test may have emptied
    it, so the seeded grades go back first. Their output goes to a file, never to a pipe nobody
    reads (a full pipe would block every thread that logs an error)."""
    seeds.install(Grade)
    started = []
    log = (tmp_path / "gunicorn.log").open("w")

    def start(**extra_env):
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={db['HOST']}",
            "DB_CONN_MAX_AGE": "0",
            "HTTPS": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "POOL_DAILY_CLAIM_LIMIT": "1000",
            **extra_env,
        }
        ports = [_free_port(), _free_port()]
        for port in ports:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--threads", "8", "--preload", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            ))
        deadline = time.monotonic() + 30
        for port, process in zip(ports, started[-2:]):
            _wait_until_serving(port, process, deadline, tmp_path / "gunicorn.log")
        return ports

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)  # the session row is committed: both servers read it
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(port, path, *, session=None, data=b"", headers=None):
    cookies = f"csrftoken={CSRF}" + (f"; {settings.SESSION_COOKIE_NAME}={session}" if session else "")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method="POST",
        headers={"Cookie": cookies, "X-CSRFToken": CSRF, **(headers or {})},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_never_hand_out_a_pool_customer_twice(cast, two_servers):
    claimers = [cast.sales1, cast.sales1b, cast.sales2, cast.sales2b] + [
        UserFactory(username=f"claimer{n}", sales_group=cast.group1 if n % 2 else cast.group2) for n in range(4)
    ]
    pool = [CustomerFactory(name=f"公海客户{n}", phone=f"1380000{n:04d}", owner=None, created_by=cast.sup1) for n in range(10)]
    sessions = {user.pk: _session_cookie(user) for user in claimers}
    ports = two_servers()

    attempts = [(user, customer) for customer in pool for user in claimers]
    random.Random(12).shuffle(attempts)
    with ThreadPoolExecutor(max_workers=16) as executor:
        answers = list(executor.map(
            lambda job: _post(ports[job[0] % 2], f"/customers/{job[1][1].pk}/claim/", session=sessions[job[1][0].pk]),
            enumerate(attempts),
        ))

    statuses = [status for status, _location in answers]
    assert all(status in (302, 403, 404) for status in statuses), statuses  # refusals, never a 500
    won = [location for status, location in answers if status == 302 and location.startswith("/customers/")]
    assert sorted(won) == sorted(f"/customers/{customer.pk}/" for customer in pool)  # one winner each
    assert not Customer.objects.filter(pk__in=[c.pk for c in pool], owner__isnull=True).exists()
    claims = Custody.objects.filter(customer__in=pool, reason=Custody.Reason.CLAIMED)
    assert claims.count() == len(pool)
    assert sorted(claims.values_list("customer_id", flat=True)) == sorted(c.pk for c in pool)
    for customer in Customer.objects.filter(pk__in=[c.pk for c in pool]):
        assert claims.get(customer=customer).to_owner_id == customer.owner_id


@pytest.fixture
def redis_socket(tmp_path):
    """A private redis-server on a unix socket, when the machine has one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(path), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield path
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_rate_limits_hold_across_app_servers_with_a_shared_cache(cast, two_servers, redis_socket):
    ports = two_servers(CACHE_URL=f"unix://{redis_socket}", BULLETIN_GUEST_POST_LIMIT="3")
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    answers = [
        _post(ports[n % 2], "/board/posts/new/", headers=headers,
              data=f"title=访客留言{n}&emoticon=smile&content=你好{n}&guest_name=访客&website=".encode())[0]
        for n in range(5)
    ]
    # Three posts from this address in the window, whichever server took them; then refusals.
    assert answers[:3] == [302, 302, 302] and all(status != 302 for status in answers[3:]), answers
