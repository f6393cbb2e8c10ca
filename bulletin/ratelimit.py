"""Fixed-window counters in Django's cache, so several app servers share them (Redis).

A counter is a number under a key; it says how many times a key acted in the current window,
never what they did. Anonymous suggestions are never counted under anything that belongs to
their sender, not even a keyed hash of the user id (whoever holds SECRET_KEY and the cache
could compute it for every user): each person's count travels in a signed cookie in their own
browser, which the server reads and never stores, and the server keeps one company-wide count
per day (docs/bulletin.md, "Rate limits", says what that trades away).
"""

import time

from django.conf import settings
from django.core.cache import cache


def _bucket_key(scope: str, subject: str, window: int) -> tuple[str, int]:
    window = max(1, window)
    now = int(time.time())
    bucket = now // window
    return f"bulletin:rl:{scope}:{subject}:{bucket}", window - now % window + 1


def allow(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one action and say whether it is within the limit. Counting first (an atomic
    increment) means two requests at the same moment cannot both slip under the limit."""
    key, ttl = _bucket_key(scope, subject, window)
    cache.add(key, 0, timeout=ttl)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ttl)
        count = 1
    return count <= limit


# --- The limits the app uses ------------------------------------------------------------------


def guest_allow(ip: str) -> bool:
    return allow(
        "guest", ip, limit=settings.BULLETIN_GUEST_POST_LIMIT, window=settings.BULLETIN_GUEST_POST_WINDOW_SECONDS
    )


def signed_suggestion_allow(user) -> bool:
    """Signed suggestions name their author in the row anyway: counted per person on the server."""
    return allow(
        "signed-suggestion", str(user.pk),
        limit=settings.BULLETIN_SUGGESTION_LIMIT, window=settings.BULLETIN_SUGGESTION_WINDOW_SECONDS,
    )


def anonymous_suggestion_allow() -> bool:
    """One counter for the whole company: it moves the same whoever sends."""
    return allow(
        "anonymous-suggestions", "company",
        limit=settings.BULLETIN_ANONYMOUS_SUGGESTION_LIMIT, window=settings.BULLETIN_SUGGESTION_WINDOW_SECONDS,
    )


# --- A person's own count, in their browser ----------------------------------------------------

SENT_COOKIE = "crm_suggestions_sent"
_SENT_SALT = "bulletin.suggestions-sent"


def _suggestion_bucket() -> tuple[int, int]:
    """(this window's number, seconds until it ends) for the suggestion window."""
    window = max(1, settings.BULLETIN_SUGGESTION_WINDOW_SECONDS)
    now = int(time.time())
    return now // window, window - now % window


def suggestions_sent(request) -> int:
    """How many suggestions (signed and anonymous) this browser sent in the current window, from
    its signed cookie. A missing, tampered or old cookie counts as none."""
    value = request.get_signed_cookie(SENT_COOKIE, default="", salt=_SENT_SALT)
    bucket, count = (value.split(":", 1) + [""])[:2]
    if bucket != str(_suggestion_bucket()[0]) or not count.isdigit():
        return 0
    return int(count)


def remember_suggestions_sent(response, count: int) -> None:
    """Hand the browser its new count; the server keeps no copy."""
    bucket, remaining = _suggestion_bucket()
    response.set_signed_cookie(
        SENT_COOKIE, f"{bucket}:{count}", salt=_SENT_SALT, max_age=remaining, httponly=True,
        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
    )
