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


class SmtpReceiver:
    """What the local SMTP server received: (sender, recipients, raw message bytes); `refuse`
    makes it answer every message with a permanent failure (554)."""

    def __init__(self):
        self.messages = []
        self.refuse = False


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 in the test process (plain SMTP, no TLS), and Django's SMTP
    backend pointed at it: the e-mail goes over the wire as in production."""
    import email
    import socketserver

    received = SmtpReceiver()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self):
            self.reply("220 test SMTP")
            sender, recipients = None, []
            while line := self.rfile.readline():
                command = line.decode("utf-8", "replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 test")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 go on")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if received.refuse:
                        self.reply("554 refused by the test")
                    else:
                        received.messages.append((sender, recipients, email.message_from_bytes(data)))
                        self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # RSET, NOOP
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    server.shutdown()
    server.server_close()
