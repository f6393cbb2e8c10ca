"""The client's address, the one way every app reads it (audit trail, login lockout, board limits)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind our own proxy (BEHIND_PROXY=1) the X-Forwarded-For entry it appended
    last (earlier entries are the client's own word). None when it is not an IP address."""
    if request is None:
        return None
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return _valid_ip(forwarded[-1])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value
