"""Authorization-matrix rows for the home page and the reports (issue 11). Everyone logged in has
a home page (the backup operator's shows the backups). Reports are for supervisors and admins
(reports.policies.may_see_reports); a salesperson, like the backup operator, gets the 404 of a
page that does not exist. Every page here is read-only: POST is 405."""

from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, Row, everyone, staff

MANAGERS = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": OK, "admin": OK, "backup": NOT_FOUND}

ROWS = [
    Row("home", "GET", staff(OK, backup=OK)),
    Row("home", "POST", everyone(NOT_ALLOWED)),
]
for name in ("index", "funnel", "activity", "pool", "retention", "customers", "complaints"):
    ROWS += [Row(f"reports:{name}", "GET", MANAGERS), Row(f"reports:{name}", "POST", everyone(NOT_ALLOWED))]

# The deals report is for every sales role, each within their own scope (issue 22).
for name in ("deals", "deals-export"):
    ROWS += [Row(f"reports:{name}", "GET", staff(OK)), Row(f"reports:{name}", "POST", everyone(NOT_ALLOWED))]
