"""Authorization rows for retrying a failed import (the job's creator alone, like every job URL).
Uses the failed job tests/transfers/matrix.py builds."""

from tests.authz import NOT_ALLOWED, REDIRECT, Row, everyone
from tests.transfers.matrix import creator_only, failed_job

ROWS = [
    Row("transfers:customer-import-retry", "POST", creator_only(REDIRECT), kwargs=failed_job),
    Row("transfers:customer-import-retry", "GET", everyone(NOT_ALLOWED), kwargs=failed_job),
]
