"""Writes of the customer import (SPEC §1.C): jobs, the preview, the bulk import, its files.

The import is one transaction that never blocks colleagues' work while it reads, checks and
stages the file: rows are cleaned and classified chunk by chunk (memory bounded by the chunk,
not the file), the new customers are staged in a temporary table, then inserted with their
custody rows "imported" through crm.ownership (which refuses an owner who has left). Only then
does it take the customer-keys lock that every manual save shares (crm.services), check the
staged customers again against what others committed meanwhile, withdraw any they entered
first, and commit: the lock is held for that check, not for the import. A bad row rolls
everything back only if the importer chose all-or-nothing. Exports: transfers.exports.
"""

import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from common.bulk import analyze
from common.phones import normalize_phone
from companylists import grades, lists
from crm import ownership
from crm import services as crm_services
from crm.models import Custody, Customer, CustomerChange
from crm.services import TRACKED_FIELDS, default_next_contact
from crm import custom as crm_custom
from transfers import bulk_copy, classify, custom_import, customer_contacts, reader
from transfers.columns import (
    COLUMNS_BY_FIELD,
    IGNORED_CELL_CHARS,
    IMPORTED_FIELDS,
    MAX_CELL_CHARS,
    mapping_of,
    neutralise,
    saved_covers,
    shown,
    template_headers,
)
from transfers.jobs import finish, new_private_file, private_path, progress_of, suffix_of
from transfers.models import ColumnMapping, ImportJob, ImportRow
from transfers.writer import XlsxWriter

log = logging.getLogger(__name__)

STAGE = "crm_import_stage"
STAGED_FIELDS = ["name", "company", "job_title", "phone", "address", "type", "notes", "industry", "source", "grade",
                 "gender", "last_contact_at", "next_contact_on", "custom"]
DEFAULTS = {name: Customer._meta.get_field(name).get_default() for name in IMPORTED_FIELDS}
DEFAULTS["custom"] = {}


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
    contacts: int = 0  # added from the workbook's contacts sheet


# --- Jobs ----------------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, upload, owner, to_pool: bool, by) -> ImportJob:
    """Keep the uploaded file privately and start checking it (the form validated size and owner)."""
    relative, path = new_private_file("imports", suffix_of(upload.name))
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return ImportJob.objects.create(
        created_by=by, original_name=Path(upload.name).name[:255], upload_path=relative,
        owner=None if to_pool else owner, to_pool=to_pool, language=translation.get_language() or "",
    )


def _columns_for(job: ImportJob, headers) -> list[str]:
    """The person's choice when they made one for this file; else a saved mapping of theirs that
    knows every header (the newest); else the guess from the headers."""
    custom = custom_import.targets(job.created_by)
    if len(job.columns) == len(headers):
        return job.columns
    for mapping in ColumnMapping.objects.filter(owner=job.created_by).order_by("-created_at", "-id"):
        if saved_covers(mapping.columns, headers):
            return custom_import.guess_columns(headers, saved=mapping.columns, definitions=custom)
    return custom_import.guess_columns(headers, definitions=custom)


def _sampled(table, samples: list, rows=20):
    """The table, noting on the way the first value of each column (the mapping step shows it)."""
    def sampling():
        for count, (number, cells) in enumerate(table.rows):
            if count < rows:
                for index, cell in enumerate(cells[:len(samples)]):
                    if not samples[index] and cell not in (None, ""):
                        samples[index] = shown(cell, 30)
            yield number, cells
    return reader.Table(headers=table.headers, rows=sampling(), declared_rows=table.declared_rows)


def import_analyse(*, job: ImportJob) -> ImportJob:
    """The preview: every row labelled new / duplicate (mine, a colleague's, the pool) / invalid,
    stored a chunk at a time for the preview's pages. Nothing is written to customers."""
    ImportRow.objects.filter(job=job).delete()
    try:
        table = reader.open_table(private_path(job.upload_path), job.original_name)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=table.declared_rows)
        columns = _columns_for(job, table.headers)
        samples = [""] * len(table.headers)
        custom = custom_import.targets(job.created_by)
        classifier = classify.Classifier(
            viewer=job.created_by, unique=custom_import.UniqueCheck(columns, custom, viewer=job.created_by))
        counts, total = {label: 0 for label in classify.LABELS}, 0
        cleaner = classify.RowCleaner(columns, preview=True, custom=custom)
        path = private_path(job.upload_path)
        contacts = {} if customer_contacts.has_sheet(path, job.original_name) else None
        for chunk in classify.clean_chunks(_sampled(table, samples), cleaner,
                                     progress=progress_of(ImportJob, job.pk)):
            classifier.classify(chunk)
            if contacts is not None:
                _note_customers(contacts, chunk)
            bulk_copy.copy(ImportRow._meta.db_table,
                           ["job_id", "number", "position", "label_position", "label", "reason", "cells"],
                           _preview_rows(job, chunk, counts, start=total))
            total += len(chunk)
    except reader.ImportFileError as error:
        ImportRow.objects.filter(job=job).delete()
        return finish(job, status=ImportJob.Status.FAILED, message=str(error))
    message = ""  # the preview's: what is wrong in the contacts sheet
    if contacts is not None:
        try:
            found = customer_contacts.preview(path=path, name=job.original_name, customers=contacts, by=job.created_by)
        except reader.ImportFileError as error:
            found = {"contacts": 0, "refused": 0, "reasons": str(error)}
        counts["contacts"], counts["contacts_refused"] = found["contacts"], found["refused"]
        message = found["reasons"][:2000]
    headers = [[shown(header), sample] for header, sample in zip(table.headers, samples)]
    return finish(job, status=ImportJob.Status.PREVIEW, counts=counts, total_rows=total, processed_rows=total,
                   message=message, headers=headers, columns=columns)


def _note_customers(contacts: dict, chunk) -> None:
    """The file's customers a contact may name: new ones under a stand-in id (minus the row
    number: they have no id before the import), the importer's own ones under theirs."""
    for row in chunk:
        if row.label == classify.Label.NEW:
            contacts.setdefault(customer_contacts.name_key(row.values.get("name")), set()).add(-row.number)
        elif row.label == classify.Label.MINE:
            contacts.setdefault(customer_contacts.name_key(row.values.get("name")), set()).add(row.duplicate_id)


def _preview_rows(job, chunk, counts, *, start):
    for position, row in enumerate(chunk, start=start + 1):
        counts[row.label] += 1
        yield [job.pk, row.number, position, counts[row.label], row.label, row.reason[:1000],
               json.dumps(row.cells, ensure_ascii=False)]


class PreviewRows:
    """The preview's rows (of one label, or all) as a sequence a Paginator can slice: a page is a
    range of positions read through an index, and the count is the job's own, not a COUNT."""

    def __init__(self, job: ImportJob, label: str = ""):
        self.job, self.label = job, label
        self.total = job.counts.get(label, 0) if label else job.total_rows

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        rows = ImportRow.objects.filter(job=self.job)
        if self.label:
            rows = rows.filter(label=self.label, label_position__gt=window.start, label_position__lte=window.stop)
            return list(rows.order_by("label_position"))
        return list(rows.filter(position__gt=window.start, position__lte=window.stop).order_by("position"))


def import_columns_set(*, job: ImportJob, columns: list[str], save_as: str = "", by) -> ImportJob | None:
    """The person corrected which field each column goes to: check the file again with it, and
    keep it under `save_as` for the next file (replacing their mapping of that name)."""
    if save_as:
        headers = [header for header, _sample in job.headers]
        ColumnMapping.objects.update_or_create(owner=by, name=save_as,
                                               defaults={"columns": mapping_of(headers, columns)})
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.ANALYSING, columns=columns, processed_rows=0, counts={}, updated_at=timezone.now())
    job.refresh_from_db()
    return job if updated else None


def apply_mapping(job: ImportJob, mapping: ColumnMapping) -> list[str]:
    """The columns a saved mapping gives this job's file (its guess where the mapping is silent)."""
    return custom_import.guess_columns([header for header, _sample in job.headers], saved=mapping.columns,
                                       definitions=custom_import.targets(job.created_by))


def import_confirm(*, job: ImportJob, on_duplicate: str, all_or_nothing: bool, by) -> ImportJob:
    """The importer chose what to do with duplicates and bad rows: queue the import."""
    if "name" not in job.columns:
        return None
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
            on_duplicate=job.on_duplicate, all_or_nothing=job.all_or_nothing, columns=job.columns or None,
            progress=progress_of(ImportJob, job.pk),
        )
    except (reader.ImportFileError, ImportRejected) as error:
        reasons = getattr(error, "reasons", {})
        errors_path = write_error_workbook(path, job.original_name, reasons, job.columns) if reasons else ""
        audit.record(actor=job.created_by, action="customers.import", summary=f"failed: {job.original_name}",
                     count=0, job=job.pk, rejected=len(reasons), failed=True, file=job.original_name)
        return finish(job, status=ImportJob.Status.FAILED, message=getattr(error, "message", str(error)),
                       errors_path=errors_path, rejected_count=len(reasons))
    errors_path = write_error_workbook(path, job.original_name, outcome.rejected, job.columns) if outcome.rejected else ""
    ImportRow.objects.filter(job=job).delete()  # the preview has served; the error workbook keeps the rejected rows
    contacts = _("%(count)s contacts added from the contacts sheet.") % {"count": outcome.contacts} if outcome.contacts else ""
    return finish(job, status=ImportJob.Status.DONE, created_count=outcome.created, updated_count=outcome.updated,
                   message=contacts,
                   rejected_count=len(outcome.rejected), errors_path=errors_path, processed_rows=job.total_rows)


# --- The import itself ---------------------------------------------------------------------------


def customers_import(*, path, name, owner, to_pool=False, by, on_duplicate=ImportJob.OnDuplicate.SKIP,
                     all_or_nothing=False, columns=None, progress=None) -> ImportOutcome:
    """Import every row of a customer sheet for `owner` (None with to_pool: into the pool).

    `columns`: the field of each column ("" = left out), else guessed from the headers. Invalid
    rows are listed and skipped, or with all_or_nothing raise ImportRejected and nothing is
    written. Duplicates of colleagues' or pool customers are never imported (撞单, SPEC §9);
    duplicates of the importer's own customers update them when on_duplicate is "update", else
    are skipped.
    """
    table = reader.open_table(path, name)
    if progress:
        progress(0, table.declared_rows)
    custom = custom_import.targets(by)
    if columns is None:
        columns = custom_import.guess_columns(table.headers, definitions=custom)
    cleaner = classify.RowCleaner(columns, custom=custom)
    classifier = classify.Classifier(viewer=by, unique=custom_import.UniqueCheck(columns, custom, viewer=by))
    outcome = ImportOutcome(counts={label: 0 for label in classify.LABELS})
    owner = None if to_pool else owner
    invalid, reasons = {}, {}
    now = timezone.now()
    own = {} if customer_contacts.has_sheet(path, name) else None  # name -> the importer's customers it matched
    with transaction.atomic():
        _lock_receiver(owner)  # first (crm.ownership's lock order): an owner who left is refused
        _stage_create()
        for chunk in classify.clean_chunks(table, cleaner, progress=progress):
            classifier.classify(chunk)
            new, mine = [], []
            for row in chunk:
                outcome.counts[row.label] += 1
                if own is not None and row.label == classify.Label.MINE:
                    own.setdefault(customer_contacts.name_key(row.values.get("name")), set()).add(row.duplicate_id)
                if row.label == classify.Label.INVALID:
                    reason = row.reason
                    invalid[row.number] = outcome.rejected[row.number] = reasons.setdefault(reason, reason)
                elif row.label == classify.Label.NEW:
                    new.append(row)
                elif row.label == classify.Label.MINE and on_duplicate == ImportJob.OnDuplicate.UPDATE:
                    mine.append(row)
                else:
                    outcome.rejected[row.number] = row.message
            if invalid and all_or_nothing:
                continue  # nothing will be written: only the reasons are still wanted
            _stage(new, owner=owner)
            outcome.updated += _update(mine, present=cleaner.present, by=by, now=now)
        if invalid and all_or_nothing:
            first = min(invalid)
            raise ImportRejected(
                _("Nothing was imported: %(count)s rows are invalid. Row %(row)s: %(reason)s") % {
                    "count": len(invalid), "row": first, "reason": invalid[first]},
                reasons=invalid,
            )
        outcome.created, withdrawn = _insert(STAGE, owner=owner, by=by, note=name, custom=custom)
        for number, message in withdrawn.items():
            outcome.rejected[number] = message
            outcome.counts[classify.Label.NEW] -= 1
            outcome.counts[classify.Label.COLLEAGUE] += 1
        if own is not None:
            outcome.contacts = _add_contacts(path, name, own, by=by)
        audit.record(actor=by, action="customers.import", summary=name, count=outcome.created,
                     updated=outcome.updated, rejected=len(outcome.rejected), contacts=outcome.contacts,
                     owner=owner.pk if owner else None)
    if outcome.created >= ANALYZE_AFTER_ROWS:
        # Fresh statistics for the tables it filled, so the next searches and lists are planned
        # for the customers there are now (the search's gram statistics included).
        analyze(Customer, Custody)
    return outcome


def _add_contacts(path, name, own: dict, *, by) -> int:
    """The workbook's contacts sheet, for this import's customers (the new ones, in the stage, and
    the importer's own it matched): all of them, or the whole import is refused."""
    customers = {key: set(ids) for key, ids in own.items()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name FROM {STAGE}")
        for pk, customer_name in cursor.fetchall():
            customers.setdefault(customer_contacts.name_key(customer_name), set()).add(pk)
    try:
        return customer_contacts.add_contacts(path=path, name=name, customers=customers, by=by)
    except customer_contacts.ContactsRefused as refused:
        raise ImportRejected(refused.message) from refused


def _lock_receiver(owner) -> None:
    """First thing in the import's transaction (crm.ownership's lock order): refuse an owner who
    has left since, and keep an offboarding of them waiting until the import commits."""
    try:
        ownership.lock_receiver(owner)
    except ownership.Refused as refused:
        raise ImportRejected(refused.message) from refused


ANALYZE_AFTER_ROWS = 10_000


def _stage_create() -> None:
    """A temporary table (this transaction's only) with the customer columns' own types, so a
    value the customer table would refuse is refused here, on its row."""
    fields = ", ".join(f"{name} {Customer._meta.get_field(name).db_type(connection)}" for name in STAGED_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Customer._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (id bigint NOT NULL DEFAULT nextval('{sequence}'), "
            f"row_number integer NOT NULL, phone_key varchar(30) NOT NULL, {fields}) ON COMMIT DROP")


def _stage(rows, *, owner) -> None:
    """The new customers of one chunk into the stage, with their final values."""
    if not rows:
        return
    cadence = {grade: default_next_contact(grade) for grade in grades.keys()}

    def staged():
        for row in rows:
            values = {**DEFAULTS, **row.values}
            if not values.get("next_contact_on") and owner is not None:
                values["next_contact_on"] = cadence.get(values["grade"])
            values["custom"] = json.dumps(values["custom"], ensure_ascii=False)
            yield [row.number, normalize_phone(values["phone"]),
                   *(_iso(values.get(name)) if name in ("last_contact_at", "next_contact_on") else values[name]
                     for name in STAGED_FIELDS)]

    try:
        bulk_copy.copy(STAGE, ["row_number", "phone_key", *STAGED_FIELDS], staged())
    except (DatabaseError, psycopg2.Error) as error:  # copy_expert's errors are not wrapped by Django
        raise ImportRejected(bulk_copy.failure(error, rows), reasons=bulk_copy.reasons(error, rows)) from error


def _insert(stage, *, owner, by, note, custom=()) -> tuple[int, dict]:
    """The staged customers into the customer table for `owner` (None: the pool), each with its
    custody row "imported", through crm.ownership. Returns (created, withdrawn): the rows someone
    else entered first while the file was being read (row number -> why), which are not imported."""
    at = ownership.insert_staged(stage=stage, columns=STAGED_FIELDS, to=owner, by=by, pool_reason=_("Imported"))
    withdrawn = _merge(stage, viewer=by)
    withdrawn.update(custom_import.withdraw_staged_clashes(stage, custom, viewer=by))  # unique custom fields
    created = ownership.record_staged(stage=stage, to=owner, by=by, reason=Custody.Reason.IMPORTED, note=note, at=at)
    return created, withdrawn


def _merge(stage, *, viewer) -> dict:
    """Under the customer-keys lock (held to the commit), find the staged customers whose phone,
    or name and company, someone else committed while the file was read (a manual save, another
    import), and take them out again: of two people entering one customer, only one gets in."""
    crm_services.lock_customer_keys(exclusive=True)
    with connection.cursor() as cursor:
        cursor.execute(
            # One index probe per staged row (OFFSET 0 keeps the lateral subqueries probes).
            f"SELECT s.row_number, s.id, p.id, true FROM {stage} s CROSS JOIN LATERAL ("
            f"  SELECT c.id FROM {Customer._meta.db_table} c WHERE c.normalized_phone = s.phone_key AND c.id <> s.id"
            # A contact's phone is its customer's too (撞单, issue 25).
            "   UNION ALL SELECT k.customer_id FROM contacts_contact k WHERE k.removed_at IS NULL"
            "   AND (k.normalized_mobile = s.phone_key OR k.normalized_landline = s.phone_key) AND k.customer_id <> s.id"
            "   LIMIT 1 OFFSET 0) p WHERE s.phone_key <> '' "
            f"UNION ALL SELECT s.row_number, s.id, n.id, false FROM {stage} s CROSS JOIN LATERAL ("
            f"  SELECT c.id FROM {Customer._meta.db_table} c WHERE upper(c.name) = upper(s.name)"
            "   AND upper(c.company) = upper(s.company) AND c.id <> s.id LIMIT 1 OFFSET 0) n "
            "WHERE s.company <> ''")
        clashes = {}
        for number, staged_id, other_id, same_phone in cursor.fetchall():
            if number not in clashes or same_phone:
                clashes[number] = (staged_id, other_id, same_phone)
        if not clashes:
            return {}
        others = classify.existing_customers({other for _staged, other, _phone in clashes.values()})
        for _staged, other, same_phone in clashes.values():
            if same_phone:
                others[other].holds_phone = True  # its own phone or a contact's: duplicate_message says "phone"
        staged_ids = [staged for staged, _other, _phone in clashes.values()]
        cursor.execute(f"SELECT row_number, phone FROM {stage} WHERE id = ANY(%s)", [staged_ids])
        phones = dict(cursor.fetchall())
        cursor.execute(f"DELETE FROM {Customer._meta.db_table} WHERE id = ANY(%s)", [staged_ids])
        cursor.execute(f"DELETE FROM {stage} WHERE id = ANY(%s)", [staged_ids])
    return {number: crm_services.duplicate_message(others[other], phone=phones[number] if same_phone else "", viewer=viewer)
            for number, (_staged, other, same_phone) in clashes.items()}


def _iso(value):
    return None if value is None else value.isoformat()


def _update(rows, *, present, by, now) -> int:
    """Refresh the importer's own customers from their rows: non-empty cells of the file's columns."""
    if not rows:
        return 0
    by_id = {row.duplicate_id: row for row in rows}
    customers = list(Customer.objects.select_for_update().filter(pk__in=by_id))
    fields = sorted(name for name in present if name in IMPORTED_FIELDS)
    changes, changed_fields = [], set()
    for customer in customers:
        values = by_id[customer.pk].values
        if values.get("custom"):  # the file's custom values replace those it gives, each in the history
            before = dict(customer.custom or {})
            keys = sorted(key for key, value in values["custom"].items() if before.get(key) != value)
            if keys:
                customer.custom = {**before, **{key: values["custom"][key] for key in keys}}
                changed_fields.add("custom")
                changes.extend(crm_custom.history_rows(customer, before, keys, by=by, now=now))
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


def write_error_workbook(upload: Path, name: str, reasons: dict, columns=None) -> str:
    """The rejected rows, as uploaded, with a reason column: fix them and upload the file again.
    Each cell is cut to its field's length (a column left out: IGNORED_CELL_CHARS), so the
    workbook is bounded by the rows and columns, whatever the cells held."""
    relative, path = new_private_file("import-errors", ".xlsx")
    table = reader.open_table(upload, name)
    width = len(table.headers)
    columns = list(columns or []) + [""] * width
    limits = [(COLUMNS_BY_FIELD[field].max_length or MAX_CELL_CHARS) if field in COLUMNS_BY_FIELD
              else custom_import.CELL_LIMIT if field else IGNORED_CELL_CHARS for field in columns[:width]]
    with open(path, "wb") as handle:
        writer = XlsxWriter(handle, sheet_name=_("Rejected rows"))
        writer.header(_error_rows_headers([shown(header, IGNORED_CELL_CHARS) for header in table.headers]))
        for number, cells in table.rows:
            if number in reasons:
                cells = [_plain(cell, limit) for cell, limit in zip(cells[:width], limits)] + [None] * (width - len(cells))
                writer.append([neutralise(cell) for cell in cells] + [number, reasons[number]])
        writer.close()
    return relative


def _error_rows_headers(headers) -> list:
    return [*headers, _("Row"), _("Reason")]


def _plain(cell, limit):
    if hasattr(cell, "isoformat"):
        return cell.isoformat(sep=" ") if hasattr(cell, "hour") else cell.isoformat()
    if isinstance(cell, str) and len(cell) > limit:
        return cell[:limit]
    return cell


def template_workbook(custom=()) -> bytes:
    """An empty sheet with every importable column, headed in Chinese and English; then the
    custom fields the person may fill (`custom`), headed the same way."""
    buffer = io.BytesIO()
    writer = XlsxWriter(buffer, sheet_name="客户 Customers")
    writer.header(template_headers() + [f"{d.label_zh_hans} / {d.label_en}" for d in custom])
    with translation.override("zh-hans"):
        writer.append(["李华", "上海华信科技有限公司", "总经理", "138-0013-8000", "上海市浦东新区人民路12号",
                       str(Customer.Type.INTENTION.label), grades.label(grades.default_key()), lists.label(lists.SOURCE, lists.default_key(lists.SOURCE)),
                       "制造业", str(Customer.Gender.MALE.label), "初次电话沟通，约下周面谈。", "", ""])
    writer.close()
    return buffer.getvalue()
