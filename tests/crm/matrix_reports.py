"""Authorization-matrix rows for the reports (issue 11). Reports are for supervisors and admins
(crm.policies.can_see_reports); a salesperson, like the backup operator, gets the 404 of a page
that does not exist. Every report is read-only: POST is 405."""

from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, Row, everyone

MANAGERS = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK, "backup": NOT_FOUND}

ROWS = []
for name in ("report-index", "report-funnel", "report-activity", "report-pool", "report-retention", "report-customers"):
    ROWS += [Row(f"crm:{name}", "GET", MANAGERS), Row(f"crm:{name}", "POST", everyone(NOT_ALLOWED))]
