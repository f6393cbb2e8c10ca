"""Retention: which backups are kept, and pruning the rest."""

import shutil
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from backups.files import backup_dir
from backups.models import Backup


def backups_to_keep(times: dict[str, datetime], *, daily: int, weekly: int, monthly: int) -> set[str]:
    """Names to keep: the newest backup of each of the last `daily` days, `weekly` ISO weeks and
    `monthly` months that have one (in the local time zone), and always the newest of all."""
    newest_first = sorted(times, key=lambda name: times[name], reverse=True)
    keep = set(newest_first[:1])
    for count, period in [
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ]:
        seen = []
        for name in newest_first:
            key = period(timezone.localtime(times[name]))
            if key not in seen:
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(name)
    return keep


def backups_prune() -> list[str]:
    """Delete the succeeded backups the retention policy no longer keeps; return their names.

    Only succeeded backups are candidates: a failed one has no files, and a directory without a
    catalogue row (copied in, or written with --no-record) is never touched.
    """
    succeeded = {b.name: b.started_at for b in Backup.objects.filter(status=Backup.Status.SUCCEEDED)}
    keep = backups_to_keep(succeeded, daily=settings.BACKUP_KEEP_DAILY,
                           weekly=settings.BACKUP_KEEP_WEEKLY, monthly=settings.BACKUP_KEEP_MONTHLY)
    pruned = sorted(set(succeeded) - keep)
    for name in pruned:
        shutil.rmtree(backup_dir() / name, ignore_errors=True)
        Backup.objects.filter(name=name).delete()
    return pruned
