"""Authorization rows for retrying a failed import (the job's creator alone, like every job URL).
Uses the failed job tests/crm/matrix_importexport.py builds."""

from tests.authz import NOT_ALLOWED, REDIRECT, Row, everyone
from tests.crm.matrix_importexport import creator_only, failed_job

ROWS = [
    Row("crm:customer-import-retry", "POST", creator_only(REDIRECT), kwargs=failed_job),
    Row("crm:customer-import-retry", "GET", everyone(NOT_ALLOWED), kwargs=failed_job),
]
