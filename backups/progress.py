"""Progress of a backup or a verification: on its catalogue row (the page polls it) and to a printer."""

import time
from collections.abc import Callable

from backups.models import Backup

Progress = Callable[[str], None]


class Reporter:
    """Sends progress to the page (the catalogue row, at most every second) and to a printer."""

    def __init__(self, backup: Backup | None, echo: Progress | None):
        self.backup, self.echo, self.last = backup, echo, 0.0

    def __call__(self, text: str, *, quiet: bool = False) -> None:
        now = time.monotonic()
        if self.backup is not None and (not quiet or now - self.last >= 1):
            Backup.objects.filter(pk=self.backup.pk).update(progress=text[:200])
            self.last = now
        if self.echo and not quiet:
            self.echo(text)
