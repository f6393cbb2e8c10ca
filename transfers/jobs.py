"""What import and export jobs share: their private files and their progress.

Files (the upload, the error workbook, an export) live under settings.PRIVATE_FILES_ROOT,
outside MEDIA_ROOT, so no static or proxy route can serve them: only the views that check the
job belongs to the person asking hand them out.
"""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def private_path(relative: str) -> Path:
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside the private files root")
    return path


def new_private_file(folder: str, suffix: str) -> tuple[str, Path]:
    relative = f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    path = private_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    return relative, path


def suffix_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def progress_of(model, pk):
    def progress(done, total=None):
        changes = {"processed_rows": done, "updated_at": timezone.now()}  # also the job's heartbeat
        if total is not None:
            changes["total_rows"] = total
        model.objects.filter(pk=pk).update(**changes)
    return progress


def finish(job, **changes):
    for name, value in changes.items():
        setattr(job, name, value)
    job.save()
    return job
