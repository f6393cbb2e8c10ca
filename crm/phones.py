"""Phone numbers: validation and the normalisation used for duplicate (撞单) detection.

normalize_phone must agree with the SQL function crm_normalize_phone (migration 0001), which
fills Customer.normalized_phone; a test holds them together.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED = re.compile(r"^[0-9+\-\s()]*$")
_PREFIX = re.compile(r"^(\+86|0086|\+)")


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9+]", "", phone or "")
    return _PREFIX.sub("", digits, count=1)


def validate_phone(phone: str) -> None:
    if not _ALLOWED.match(phone):
        raise ValidationError(
            _("A phone number may contain only digits, spaces, dashes, brackets and a leading +."), code="phone_chars"
        )
    digits = re.sub(r"\D", "", phone)
    if not 5 <= len(digits) <= 20:
        raise ValidationError(_("A phone number has between 5 and 20 digits."), code="phone_length")
