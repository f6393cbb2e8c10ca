"""Phone numbers, in one place: the mainland rules a new or changed phone must follow (the
customer form and the import both ask validate_phone), and the normalisation used for duplicate
(撞单) detection.

Accepted: an 11-digit mobile starting with 13-19; a landline with its area code (010, 02x or a
4-digit 0xxx code) and 7 or 8 digits, optionally an extension (转 / 分机 / ext / # / a last
dash group); a 400 / 800 service number; any of these after +86 or 0086 (a landline then
without the area code's 0); a number of another country written with its + and 7-15 digits.

normalize_phone must agree with the SQL function crm_normalize_phone (migration 0001), which
fills Customer.normalized_phone; a test holds them together.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PREFIX = re.compile(r"^(\+86|0086|\+)")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[(（]?\+?[0-9 \-()（）.]*$")
_SEPARATORS = re.compile(r"[ \-()（）.]")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0(?:10|2[0-9]|[3-9][0-9]{2})[0-9]{7,8}$")
_SERVICE = re.compile(r"^[48]00[0-9]{7}$")


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"[^0-9+]", "", phone or "")
    return _PREFIX.sub("", digits, count=1)


def _is_national(digits: str) -> bool:
    return bool(_MOBILE.match(digits) or _LANDLINE.match(digits) or _SERVICE.match(digits))


def _landline_with_dash_extension(main: str, digits: str) -> bool:
    """010-12345678-123: the last dash group is an extension when the rest is a landline."""
    groups = re.split(r"[ \-.]+", main.strip())
    if len(groups) < 3 or not re.fullmatch(r"[0-9]{1,6}", groups[-1]):
        return False
    rest = digits[: len(digits) - len(groups[-1])]
    return bool(_LANDLINE.match(rest))


def validate_phone(phone: str) -> None:
    """Raise ValidationError with a reason a salesperson understands unless `phone` is a number
    that can be dialled from the mainland."""
    text = (phone or "").strip()
    if not text:
        return
    extension = _EXTENSION.search(text)
    main = text[: extension.start()] if extension else text
    if not _ALLOWED.match(main):
        raise ValidationError(
            _("A phone number may contain only digits, spaces, dashes, brackets, a leading +86 and an extension "
              "after 转 or ext."), code="phone_chars")
    compact = _SEPARATORS.sub("", main)
    country = compact.startswith(("+86", "0086"))
    if compact.startswith("+") and not country:
        if not 7 <= len(compact) - 1 <= 15:
            raise ValidationError(_("An international number has 7 to 15 digits after the +."), code="phone_length")
        return
    national = compact[3:] if compact.startswith("+86") else compact[4:] if country else compact
    if "+" in national:
        raise ValidationError(_("A + may only start the number (+86 ...)."), code="phone_chars")
    if country and not national.startswith("0") and not _MOBILE.match(national) and not _SERVICE.match(national):
        national = "0" + national  # +86 21 6666 8888: the area code without its 0
    if _is_national(national) and not (extension and not _LANDLINE.match(national)):
        return
    if not extension and _landline_with_dash_extension(main, national):
        return
    if extension and _is_national(national):
        raise ValidationError(_("Only a landline has an extension."), code="phone_format")
    raise ValidationError(_reason(national), code="phone_format")


def _reason(digits: str):
    if digits.startswith("1"):
        return _("A mobile number has 11 digits and starts with 13 to 19 (e.g. 138 0013 8000).")
    if digits.startswith("0"):
        return _("A landline is its area code and 7 or 8 digits (e.g. 021-6666 8888, an extension after 转).")
    if 7 <= len(digits) <= 8:
        return _("Add the area code to this landline (e.g. 021-6666 8888).")
    return _("This is not a mainland phone number: a mobile has 11 digits (e.g. 138 0013 8000), a landline its "
             "area code (e.g. 021-6666 8888); write a foreign number with its + and country code.")
