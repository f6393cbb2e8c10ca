"""Authorization-matrix rows for logging in, the home page and the language switch (the staff
pages' rows: tests/staff/matrix.py)."""

from tests.authz import LOGIN, NOT_ALLOWED, OK, REDIRECT, Row, everyone, staff

ROWS = [
    Row("accounts:login", "GET", staff(REDIRECT, anonymous=OK, backup=REDIRECT)),
    Row("accounts:logout", "POST", everyone(LOGIN)),
    Row("accounts:logout", "GET", everyone(NOT_ALLOWED)),
    Row("accounts:password-change", "GET", staff(OK, backup=OK)),
    Row("set-language", "POST", everyone(REDIRECT), data={"language": "zh-hans", "next": "/"}),
]
