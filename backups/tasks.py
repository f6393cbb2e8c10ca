"""Background tasks (django-tasks): long work never runs inside a request."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from backups.dump import backup_run
from backups.models import Backup
from backups.restore import backup_verify


@task()
def run_backup(backup_id: int) -> dict:
    """Write the backup whose catalogue row the page opened; the row shows progress and the result."""
    outcome = backup_run(backup=Backup.objects.get(pk=backup_id))
    return {"name": outcome.name, "seconds": round(outcome.seconds, 1), "pruned": outcome.pruned}


@task()
def verify_backup(backup_id: int, language: str | None = None) -> dict:
    """Verify a backup by a real restore into a scratch database; the row records the result, in
    the `language` of whoever asked for it (a worker has no request to take a language from)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        outcome = backup_verify(name=Backup.objects.get(pk=backup_id).name)
    return {"name": outcome.name, "ok": outcome.ok, "message": outcome.message}
