"""The load test's users (scripts/loadtest runs them; docs/benchmarks.md has the figures).

Each simulated user is one demo salesperson with a session made beforehand (loadtest/sessions.py:
logins are not part of the mix). 80% of requests read (customer list, the §1.A views, search,
a customer, follow-ups, the pool) and 20% write (log a follow-up, claim from the pool, give a
customer up). The run stops after LOADTEST_REQUESTS requests in all.

Expected answers are not errors: a claim another user won first is 404 (the customer left the
pool) or a redirect with "already claimed"; a claim over the daily limit is a redirect with a
message. Anything else (5xx, a 403 on our own customer, a login page) counts as an error.
"""

import json
import os
import random
import re
from datetime import datetime, timedelta
from itertools import count

import gevent
from locust import HttpUser, between, events, task

CSRF = "c" * 32  # an unmasked CSRF secret: the same value in the cookie and the header
SESSIONS = json.loads(open(os.environ.get("LOADTEST_SESSIONS", "var/loadtest/sessions.json")).read())
MAX_REQUESTS = int(os.environ.get("LOADTEST_REQUESTS", "20000"))
_usernames = iter(sorted(SESSIONS, key=lambda name: (len(name), name)))
_sent = count(1)

VIEWS = ["contacted_today", "visited_week", "visit_today", "visit_week", "added_month", "prospects", "intentions"]
SEARCHES = ["李", "王芳", "科技", "138", "上海", "张伟"]
WINDOWS = ["today", "3days", "week", "month"]
POOL_WINDOWS = ["", "day", "week", "month"]
CUSTOMER_LINK = re.compile(r'href="/customers/(\d+)/"')
CLAIM_FORM = re.compile(r'action="/customers/(\d+)/claim/"')


_environment = None


@events.request.add_listener
def _stop_after_enough(**_kwargs):
    if next(_sent) == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        gevent.spawn(_environment.runner.quit)  # not from inside the request's own greenlet


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    global _environment
    _environment = environment


class Salesperson(HttpUser):
    # Think time between clicks, seconds (LOADTEST_WAIT="min,max"); "0.5,2" saturates two cores.
    wait_time = between(*(float(part) for part in os.environ.get("LOADTEST_WAIT", "2,8").split(",")))

    def on_start(self):
        self.username = next(_usernames)
        self.client.cookies.set("sessionid", SESSIONS[self.username])
        self.client.cookies.set("csrftoken", CSRF)
        self.mine, self.pool = [], []
        self._list("/customers/", "customers")
        self._pool_page("/pool/", "pool")

    # --- reads (weights add up to 80) ---------------------------------------------------------

    @task(16)
    def customer_list(self):
        self._list(f"/customers/?page={random.randint(1, 3)}", "customers")

    @task(16)
    def query_view(self):
        self._list(f"/customers/?view={random.choice(VIEWS)}", "customers ?view=")

    @task(14)
    def search(self):
        self._list(f"/customers/?q={random.choice(SEARCHES)}", "customers ?q=")

    @task(14)
    def customer_detail(self):
        if self.mine:
            self._get(f"/customers/{random.choice(self.mine)}/", "customer detail")

    @task(10)
    def followups(self):
        self._get(f"/followups/?window={random.choice(WINDOWS)}", "followups ?window=")

    @task(10)
    def pool(self):
        self._pool_page(f"/pool/?window={random.choice(POOL_WINDOWS)}", "pool ?window=")

    # --- writes (weights add up to 20) --------------------------------------------------------

    @task(10)
    def log_followup(self):
        if not self.mine:
            return
        moment = (datetime.now() - timedelta(minutes=random.randint(0, 600))).strftime("%Y-%m-%d %H:%M")
        self._post(f"/customers/{random.choice(self.mine)}/followups/new/", "log a follow-up", {
            "subject": "电话沟通", "content": "压测：客户询问报价，约下周再谈。", "occurred_at": moment,
        }, expect=(302,))

    @task(6)
    def claim(self):
        if not self.pool:
            return
        pk = self.pool.pop(random.randrange(len(self.pool)))
        # 302: claimed (to the customer) or refused with a message (to the pool); 404: someone was faster.
        answer = self._post(f"/customers/{pk}/claim/", "claim from the pool", {}, expect=(302, 404))
        if answer is not None and answer.headers.get("Location", "") == f"/customers/{pk}/":
            self.mine.append(pk)

    @task(4)
    def give_up(self):
        if len(self.mine) < 5:
            return
        pk = self.mine.pop(random.randrange(len(self.mine)))
        self._post(f"/customers/{pk}/give-up/", "give a customer up", {"reason": "no_progress", "details": "压测"}, expect=(302,))

    # --- helpers ------------------------------------------------------------------------------

    def _get(self, path, name):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    def _list(self, path, name):
        response = self._get(path, name)
        found = [int(pk) for pk in CUSTOMER_LINK.findall(response.text or "")]
        if found:
            self.mine = list(dict.fromkeys(found))[:20]

    def _pool_page(self, path, name):
        response = self._get(path, name)
        self.pool = [int(pk) for pk in CLAIM_FORM.findall(response.text or "")]

    def _post(self, path, name, data, *, expect):
        headers = {"X-CSRFToken": CSRF, "Referer": self.host + path}
        with self.client.post(path, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in expect or "/accounts/login/" in location:
                response.failure(f"{response.status_code} {location}")
                return None
            return response
