"""Writes of the customer import and export (SPEC §1.C, §1.D): jobs, the bulk import, files.

The import is one transaction: the customer table is locked against concurrent writes, the rows
are classified against the customers then present (so two people cannot enter one customer
meanwhile), new customers go in with PostgreSQL COPY through crm.ownership (which refuses an
owner who has left) and each gets a custody row "imported".
A bad row rolls everything back (unless the importer chose to skip bad rows).
"""

import csv
import io
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from crm import importexport as ie
from crm import ownership
from crm.job_models import ExportJob, ImportJob
from crm.models import Custody, Customer, CustomerChange
from crm.services import TRACKED_FIELDS, default_next_contact

log = logging.getLogger(__name__)

COPY_COLUMNS = [  # crm.ownership.copy_new adds the owner's columns
    "id", "name", "company", "job_title", "phone", "address", "type", "notes", "industry", "source", "grade",
    "gender", "photo", "created_by_id", "created_at", "updated_at", "last_contact_at", "next_contact_on",
]
DEFAULTS = {name: Customer._meta.get_field(name).get_default() for name in ie.IMPORTED_FIELDS}


class ImportRejected(Exception):
    """Nothing was imported; `reasons` maps spreadsheet row numbers to what is wrong."""

    def __init__(self, message, reasons=None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or {}


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    rejected: dict = field(default_factory=dict)  # row number -> reason
    counts: dict = field(default_factory=dict)


# --- Private files -----------------------------------------------------------------------------


def private_path(relative: str) -> Path:
    root = Path(settings.PRIVATE_FILES_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside the private files root")
    return path


def _new_private_file(folder: str, suffix: str) -> tuple[str, Path]:
    relative = f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"
    path = private_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    return relative, path


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


# --- Jobs ----------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, upload, owner, to_pool: bool, by) -> ImportJob:
    """Keep the uploaded file privately and start checking it (the form validated size and owner)."""
    relative, path = _new_private_file("imports", _suffix(upload.name))
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return ImportJob.objects.create(
        created_by=by, original_name=Path(upload.name).name[:255], upload_path=relative,
        owner=None if to_pool else owner, to_pool=to_pool, language=translation.get_language() or "",
    )


def _progress_of(model, pk):
    def progress(done, total=None):
        changes = {"processed_rows": done, "updated_at": timezone.now()}  # also the job's heartbeat
        if total is not None:
            changes["total_rows"] = total
        model.objects.filter(pk=pk).update(**changes)
    return progress


def import_analyse(*, job: ImportJob) -> ImportJob:
    """The preview: every row labelled new / duplicate (mine, a colleague's, the pool) / invalid.
    Nothing is written to customers."""
    try:
        table = ie.open_table(private_path(job.upload_path), job.original_name)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=table.declared_rows)
        rows, cleaner = ie.read_rows(table, progress=_progress_of(ImportJob, job.pk))
        ie.classify(rows, viewer=job.created_by)
    except ie.ImportFileError as error:
        return _finish(job, status=ImportJob.Status.FAILED, message=str(error))
    counts = {label: 0 for label in ie.LABELS}
    for row in rows:
        counts[row.label] += 1
    relative, path = _new_private_file("previews", ".json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({
            "ignored": ie.ignored_headers(table.headers),
            "rows": [[row.number, row.label, row.reason, row.values.get("name", ""), row.values.get("company", ""),
                      row.values.get("phone", "")] for row in rows],
        }, handle, ensure_ascii=False)
    return _finish(job, status=ImportJob.Status.PREVIEW, preview_path=relative, counts=counts,
                   total_rows=len(rows), processed_rows=len(rows))


def _finish(job, **changes):
    for name, value in changes.items():
        setattr(job, name, value)
    job.save()
    return job


def import_preview(job: ImportJob) -> dict:
    with open(private_path(job.preview_path), encoding="utf-8") as handle:
        return json.load(handle)


def import_confirm(*, job: ImportJob, on_duplicate: str, all_or_nothing: bool, by) -> ImportJob:
    """The importer chose what to do with duplicates and bad rows: queue the import."""
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.IMPORTING, on_duplicate=on_duplicate, all_or_nothing=all_or_nothing,
        processed_rows=0, updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job if updated else None


def import_run(*, job: ImportJob) -> ImportJob:
    """Run a confirmed import (the background task); the job ends done or failed, with an error
    workbook of the rejected rows either way."""
    path = private_path(job.upload_path)
    try:
        outcome = customers_import(
            path=path, name=job.original_name, owner=job.owner, to_pool=job.to_pool, by=job.created_by,
            on_duplicate=job.on_duplicate, all_or_nothing=job.all_or_nothing,
            progress=_progress_of(ImportJob, job.pk),
        )
    except (ie.ImportFileError, ImportRejected) as error:
        reasons = getattr(error, "reasons", {})
        errors_path = write_error_workbook(path, job.original_name, reasons) if reasons else ""
        audit.record(actor=job.created_by, action="customers.import", summary=f"failed: {job.original_name}",
                     count=0, job=job.pk, rejected=len(reasons), failed=True, file=job.original_name)
        return _finish(job, status=ImportJob.Status.FAILED, message=getattr(error, "message", str(error)),
                       errors_path=errors_path, rejected_count=len(reasons))
    errors_path = write_error_workbook(path, job.original_name, outcome.rejected) if outcome.rejected else ""
    return _finish(job, status=ImportJob.Status.DONE, created_count=outcome.created, updated_count=outcome.updated,
                   rejected_count=len(outcome.rejected), errors_path=errors_path, processed_rows=job.total_rows)


# --- The import itself ---------------------------------------------------------------------------


def customers_import(*, path, name, owner, to_pool=False, by, on_duplicate=ImportJob.OnDuplicate.SKIP,
                     all_or_nothing=True, progress=None) -> ImportOutcome:
    """Import every row of a customer sheet for `owner` (None with to_pool: into the pool).

    All or nothing by default: an invalid row raises ImportRejected and nothing is written.
    Duplicates of colleagues' or pool customers are never imported (撞单, SPEC §9); duplicates of
    the importer's own customers update them when on_duplicate is "update", else are skipped.
    """
    table = ie.open_table(path, name)
    if progress:
        progress(0, table.declared_rows)
    rows, cleaner = ie.read_rows(table, progress=progress)
    with transaction.atomic():
        _lock_receiver(None if to_pool else owner)
        with connection.cursor() as cursor:
            # Inserts and edits of customers wait until the import commits, so the duplicate
            # check below sees every customer there will be.
            cursor.execute(f"LOCK TABLE {Customer._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        ie.classify(rows, viewer=by)
        outcome = ImportOutcome(counts={label: 0 for label in ie.LABELS})
        new, mine, invalid = [], [], {}
        for row in rows:
            outcome.counts[row.label] += 1
            if row.label == ie.Label.INVALID:
                invalid[row.number] = outcome.rejected[row.number] = row.reason
            elif row.label == ie.Label.NEW:
                new.append(row)
            elif row.label == ie.Label.MINE and on_duplicate == ImportJob.OnDuplicate.UPDATE:
                mine.append(row)
            else:
                outcome.rejected[row.number] = row.message
        if invalid and all_or_nothing:
            first = min(invalid)
            raise ImportRejected(
                _("Nothing was imported: %(count)s rows are invalid. Row %(row)s: %(reason)s") % {
                    "count": len(invalid), "row": first, "reason": invalid[first]},
                reasons=invalid,
            )
        now = timezone.now()
        outcome.created = _insert(new, owner=None if to_pool else owner, by=by, now=now, note=name)
        outcome.updated = _update(mine, present=cleaner.present, by=by, now=now)
        audit.record(actor=by, action="customers.import", summary=name, count=outcome.created,
                     updated=outcome.updated, rejected=len(outcome.rejected),
                     owner=owner.pk if owner and not to_pool else None)
    return outcome


def _lock_receiver(owner) -> None:
    """Before the table lock (crm.ownership's lock order): refuse an owner who has left since."""
    try:
        ownership.lock_receiver(owner)
    except ownership.Refused as refused:
        raise ImportRejected(refused.message) from refused


class _CsvStream(io.TextIOBase):
    """`rows` as CSV text, formatted as COPY reads it: the database indexes one chunk while
    Python formats the next (two cores at work instead of one after the other)."""

    def __init__(self, rows, chunk_rows=2000):
        self._chunks = self._format(rows, chunk_rows)
        self._pending = ""

    @staticmethod
    def _format(rows, chunk_rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for count, row in enumerate(rows, 1):
            writer.writerow(["\\N" if value is None else value for value in row])
            if count % chunk_rows == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            size = len(self._pending)
        text, self._pending = self._pending[:size], self._pending[size:]
        return text


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                           _CsvStream(rows), 65536)


def _reserve_ids(count: int) -> int:
    """`count` consecutive customer ids (the table is already locked); returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Customer._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _iso(value):
    return None if value is None else value.isoformat()


def _insert(rows, *, owner, by, now, note) -> int:
    if not rows:
        return 0
    first = _reserve_ids(len(rows))
    stamp = now.isoformat()
    cadence = {grade: default_next_contact(grade).isoformat() for grade in Customer.Grade.values}

    def customer_rows():
        for offset, row in enumerate(rows):
            values = {**DEFAULTS, **row.values}
            next_on = values.get("next_contact_on")
            yield [
                first + offset, values["name"], values["company"], values["job_title"], values["phone"],
                values["address"], values["type"], values["notes"], values["industry"], values["source"],
                values["grade"], values["gender"], "", by.pk, stamp, stamp, _iso(values.get("last_contact_at")),
                next_on.isoformat() if next_on else (cadence.get(values["grade"]) if owner else None),
            ]

    try:
        with transaction.atomic():
            return ownership.copy_new(columns=COPY_COLUMNS, rows=customer_rows(), to=owner, by=by,
                                      reason=Custody.Reason.IMPORTED, note=note, pool_reason=_("Imported"), copy=_copy)
    except (DatabaseError, psycopg2.Error) as error:  # copy_expert's errors are not wrapped by Django
        raise ImportRejected(_copy_failure(error, rows), reasons=_copy_reasons(error, rows)) from error


def _failed_row(error, rows):
    cause = getattr(error, "__cause__", None) or error
    context = getattr(getattr(cause, "diag", None), "context", "") or ""
    match = re.search(r"line (\d+)", context)
    if match and 0 < int(match.group(1)) <= len(rows):
        return rows[int(match.group(1)) - 1]
    return None


def _copy_failure(error, rows) -> str:
    row = _failed_row(error, rows)
    cause = getattr(error, "__cause__", None) or error
    detail = getattr(getattr(cause, "diag", None), "message_primary", "") or str(cause).splitlines()[0]
    if row is None:
        return _("Nothing was imported: the database refused the rows (%(detail)s).") % {"detail": detail}
    return _("Nothing was imported: row %(row)s was refused (%(detail)s).") % {"row": row.number, "detail": detail}


def _copy_reasons(error, rows) -> dict:
    row = _failed_row(error, rows)
    return {row.number: _copy_failure(error, rows)} if row else {}


def _update(rows, *, present, by, now) -> int:
    """Refresh the importer's own customers from their rows: non-empty cells of the file's columns."""
    if not rows:
        return 0
    by_id = {row.duplicate_id: row for row in rows}
    customers = list(Customer.objects.select_for_update().filter(pk__in=by_id))
    fields = sorted(name for name in present if name in ie.IMPORTED_FIELDS)
    changes, changed_fields = [], set()
    for customer in customers:
        values = by_id[customer.pk].values
        for name in fields:
            new = values.get(name)
            if new in (None, "") or getattr(customer, name) == new:
                continue
            old = getattr(customer, name)
            setattr(customer, name, new)
            changed_fields.add(name)
            if name in TRACKED_FIELDS:
                changes.append(CustomerChange(customer=customer, field=name, old_value="" if old is None else str(old),
                                              new_value=str(new), by=by, created_at=now))
    if changed_fields:
        for customer in customers:
            customer.updated_at = now
        Customer.objects.bulk_update(customers, sorted(changed_fields) + ["updated_at"], batch_size=1000)
        CustomerChange.objects.bulk_create(changes, batch_size=2000)
    return len(customers)


# --- Error workbook and template ------------------------------------------------------------------


def write_error_workbook(upload: Path, name: str, reasons: dict) -> str:
    """The rejected rows, as uploaded, with a reason column: fix them and upload the file again."""
    relative, path = _new_private_file("import-errors", ".xlsx")
    table = ie.open_table(upload, name)
    with open(path, "wb") as handle:
        writer = ie.XlsxWriter(handle, sheet_name=_("Rejected rows"))
        writer.header(ie.error_rows_headers(table.headers))
        width = len(table.headers)
        for number, cells in table.rows:
            if number in reasons:
                cells = [_plain(cell) for cell in cells[:width]] + [None] * (width - len(cells))
                writer.append([ie.neutralise(cell) for cell in cells] + [number, reasons[number]])
        writer.close()
    return relative


def _plain(cell):
    if hasattr(cell, "isoformat"):
        return cell.isoformat(sep=" ") if hasattr(cell, "hour") else cell.isoformat()
    return cell


def template_workbook() -> bytes:
    """An empty sheet with every importable column, headed in Chinese and English."""
    buffer = io.BytesIO()
    writer = ie.XlsxWriter(buffer, sheet_name="客户 Customers")
    writer.header(ie.template_headers())
    with translation.override("zh-hans"):
        writer.append(["李华", "上海华信科技有限公司", "总经理", "138-0013-8000", "上海市浦东新区人民路12号",
                       str(Customer.Type.INTENTION.label), str(Customer.Grade.NORMAL.label), str(Customer.Source.SELF.label),
                       "制造业", str(Customer.Gender.MALE.label), "初次电话沟通，约下周面谈。", "", ""])
    writer.close()
    return buffer.getvalue()


# --- Export ----------------------------------------------------------------------------------------


def export_job_create(*, params: str, fmt: str, by, kind=ExportJob.Kind.CUSTOMERS) -> ExportJob:
    return ExportJob.objects.create(created_by=by, kind=kind, params=params[:2000], format=fmt,
                                    language=translation.get_language() or "")


def export_write(*, resource, queryset, fmt: str, target, by, kind="customers", progress=None, every=5000,
                 ip=None) -> int:
    """Write `queryset` (already scoped by the policy) to `target`; recorded in the audit trail."""
    writer = ie.XlsxWriter(target, sheet_name=str(ExportJob.Kind(kind).label)) if fmt == ExportJob.Format.XLSX \
        else ie.CsvWriter(target)
    count = 0
    try:
        writer.header(resource.headers())
        for cells in resource.export_rows(queryset):
            writer.append(cells)
            count += 1
            if progress and count % every == 0:
                progress(count)
    finally:
        writer.close()
    audit.record(actor=by, action=f"{kind}.export", summary=f"{count} {kind} ({fmt})", count=count, ip=ip, format=fmt)
    return count


def export_customers(*, customers, fmt: str, target, by, progress=None) -> int:
    return export_write(resource=ie.CustomerResource(), queryset=customers, fmt=fmt, target=target, by=by, progress=progress)


def export_filename(fmt: str, kind="customers") -> str:
    return f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def export_job_run(*, job: ExportJob, resource, queryset) -> ExportJob:
    """Prepare a large export in the background (the task); the file waits for its creator."""
    relative, path = _new_private_file("exports", f".{job.format}")
    ExportJob.objects.filter(pk=job.pk).update(total_rows=queryset.count())
    with open(path, "wb") as handle:
        export_write(resource=resource, queryset=queryset, fmt=job.format, target=handle, by=job.created_by,
                     kind=job.kind, progress=_progress_of(ExportJob, job.pk))
    job.refresh_from_db()
    return _finish(job, status=ExportJob.Status.DONE, result_path=relative, filename=export_filename(job.format, job.kind),
                   processed_rows=job.total_rows)
