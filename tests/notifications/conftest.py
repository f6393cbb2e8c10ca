"""A robot receiver on this machine: an HTTP server in the test process that records every post
and answers what the test tells it to (nothing goes to the internet)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self):
        self.posts = []  # (path with query, parsed JSON body)
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}

    def url(self, path="/robot/send"):
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver(settings):
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.posts.append((self.path, json.loads(body)))
            payload = json.dumps(received.answer).encode()
            self.send_response(received.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_SITE_URL = "https://crm.example.cn"
