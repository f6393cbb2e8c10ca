"""The outside channels: e-mail through Django's e-mail backend, and WeCom, DingTalk and Feishu
group robots over HTTPS (markdown messages; DingTalk's and Feishu's signed requests per their
documentation). A send raises `SendFailed` with a short reason; it never logs a URL or secret."""

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from notifications.kinds import Text
from notifications.models import Webhook


class SendFailed(Exception):
    pass


class UnsafeURL(ValueError):
    """A webhook URL that must not be called: `message` (translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_webhook_url(url: str, *, resolve=socket.getaddrinfo) -> None:
    """Refuse a URL that is not http(s), or whose host is (or resolves to) a loopback,
    link-local, private, multicast or reserved address, unless an admin allowed that host
    (NOTIFY_WEBHOOK_ALLOWED_HOSTS): a robot URL must not reach inside the company's network."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeURL(_("Enter an http(s) address of a robot webhook."))
    host = parts.hostname
    if host in settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS:
        return
    try:
        addresses = {info[4][0] for info in resolve(host, parts.port or 443, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise UnsafeURL(_("The webhook's host name cannot be found.")) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise UnsafeURL(_("The webhook points at an internal address, which is not allowed."))


def send_email(*, to: str, text: Text, url: str) -> None:
    context = {"text": text, "url": url}
    message = EmailMultiAlternatives(
        subject=text.title[:200], body=render_to_string("notifications/email.txt", context), to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    try:
        message.send()
    except Exception as error:  # SMTP refused, timeout, bad address: the channel's own failure
        raise SendFailed(f"e-mail: {type(error).__name__}: {error}"[:300]) from None


def markdown(text: Text, url: str) -> str:
    lines = [f"**{text.title}**", *(f"- {line}" for line in text.lines)]
    if url:
        lines.append(f"[{_('Open in the CRM')}]({url})")
    return "\n".join(lines)


def robot_request(webhook: Webhook, text: Text, url: str, *, now_ms: int | None = None) -> tuple[str, dict]:
    """(URL, JSON body) of the robot message in the provider's documented format."""
    now_ms = now_ms or int(time.time() * 1000)
    content = markdown(text, url)
    target = webhook.url
    if webhook.provider == Webhook.Provider.WECOM:
        return target, {"msgtype": "markdown", "markdown": {"content": content}}
    if webhook.provider == Webhook.Provider.DINGTALK:
        if webhook.secret:
            sign = _hmac_b64(webhook.secret.encode(), f"{now_ms}\n{webhook.secret}".encode())
            joiner = "&" if "?" in target else "?"
            target = f"{target}{joiner}timestamp={now_ms}&sign={urllib.parse.quote_plus(sign)}"
        return target, {"msgtype": "markdown", "markdown": {"title": text.title[:60], "text": content}}
    body = {"msg_type": "interactive", "card": {
        "header": {"title": {"tag": "plain_text", "content": text.title}},
        "elements": [{"tag": "markdown", "content": content}],
    }}
    if webhook.secret:  # Feishu: seconds, and the string to sign is the HMAC key of an empty message
        seconds = now_ms // 1000
        body.update(timestamp=str(seconds), sign=_hmac_b64(f"{seconds}\n{webhook.secret}".encode(), b""))
    return target, body


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot answers itself: a redirect (possibly to an internal address) is a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send_webhook(*, webhook: Webhook, text: Text, url: str) -> None:
    try:
        check_webhook_url(webhook.url)
    except UnsafeURL as refused:
        raise SendFailed(f"webhook refused: {refused.message}") from None
    target, body = robot_request(webhook, text, url)
    request = urllib.request.Request(target, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with _opener.open(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise SendFailed(f"{webhook.provider}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SendFailed(f"{webhook.provider}: {type(error).__name__}") from None
    try:
        result = json.loads(answer or b"{}")
    except ValueError:
        raise SendFailed(f"{webhook.provider}: not a JSON answer") from None
    code = result.get("errcode", result.get("code", result.get("StatusCode", 0)))
    if code not in (0, None):
        message = str(result.get("errmsg") or result.get("msg") or "")[:100]
        raise SendFailed(f"{webhook.provider}: error {code} {message}")
