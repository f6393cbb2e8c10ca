"""Who may reach backups: the backup operator and admins (SPEC §8.4); everyone else gets a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.policies import is_admin, is_backup_operator
from backups.models import Backup


def may_manage_backups(user) -> bool:
    """Back up, verify, download: the backup operator's whole job, and an admin's right."""
    return is_backup_operator(user) or is_admin(user)


def visible_backups(user) -> QuerySet[Backup]:
    return Backup.objects.all() if may_manage_backups(user) else Backup.objects.none()


def get_backup_for(user, pk: int) -> Backup:
    """The backup, or a 404 for one that does not exist and for anyone who may not manage backups."""
    return get_object_or_404(visible_backups(user), pk=pk)
