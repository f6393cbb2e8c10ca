"""Authorization-matrix rows for the backups page: the backup operator and admins only.

build() leaves a backup "running", so a POST "back up now" in a cell is refused at once
(redirect with a message) instead of running pg_dump; "verify" is refused for the same reason.
"""

from backups.models import Backup
from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone


def build(world):
    world.backup = Backup.objects.create(name="crm-20260101-020000", status=Backup.Status.SUCCEEDED)
    world.running_backup = Backup.objects.create(name="crm-20260102-020000")


def backup_staff(outcome):
    """Backup operator and admin: `outcome`; salespeople and supervisors: 404; anonymous: log in."""
    return {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": outcome, "backup": outcome}


def one_backup(world, relation):
    return {"pk": world.backup.pk}


ROWS = [
    Row("backups:list", "GET", backup_staff(OK)),
    Row("backups:list", "POST", everyone(NOT_ALLOWED)),
    Row("backups:status", "GET", backup_staff(OK)),
    Row("backups:status", "POST", everyone(NOT_ALLOWED)),
    Row("backups:create", "POST", backup_staff(REDIRECT)),
    Row("backups:create", "GET", everyone(NOT_ALLOWED)),
    Row("backups:verify", "POST", backup_staff(REDIRECT), kwargs=lambda world, relation: {"pk": world.running_backup.pk}),
    Row("backups:verify", "GET", everyone(NOT_ALLOWED), kwargs=one_backup),
    # The catalogue row exists but its files do not (here): a 404, for staff too.
    Row("backups:download", "GET", backup_staff(NOT_FOUND), kwargs=one_backup),
    Row("backups:download", "POST", everyone(NOT_ALLOWED), kwargs=one_backup),
]
