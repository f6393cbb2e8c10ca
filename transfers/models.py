"""Background import and export jobs (SPEC §1.C, §1.D): status, progress and their files.

Files (the upload, the preview, the error workbook, an export) live under
settings.PRIVATE_FILES_ROOT, outside MEDIA_ROOT, so no static or proxy route can serve them:
they are handed out only by views that check the job belongs to the person asking.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobProgress:
    """What an import or export job shows while it runs (both have status, total and processed rows)."""

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportJob(JobProgress, models.Model):
    class Status(models.TextChoices):
        ANALYSING = "analysing", _("Checking the file")
        PREVIEW = "preview", _("Waiting for your confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    class OnDuplicate(models.TextChoices):
        SKIP = "skip", _("Skip rows that duplicate a customer")
        UPDATE = "update", _("Update my own customers from those rows")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ANALYSING)
    original_name = models.CharField(max_length=255)
    upload_path = models.CharField(max_length=255)
    errors_path = models.CharField(max_length=255, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who the imported customers belong to; empty with to_pool for the isolation pool.",
    )
    to_pool = models.BooleanField(default=False)
    on_duplicate = models.CharField(max_length=10, choices=OnDuplicate.choices, default=OnDuplicate.SKIP)
    # Off by default: the valid rows go in and the others come back in the error workbook.
    all_or_nothing = models.BooleanField(default=False)
    # The file's columns as the person sees them in the mapping step: [header, sample] each, cut
    # short; and the field each column goes to ("" = ignored), guessed from the headers, corrected
    # by the person.
    headers = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=15, blank=True, help_text="The importer's language: row reasons are written in it.")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        db_table = "crm_importjob"  # the table it had in crm: moved without copying a row
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="crm_importjob_creator")]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.original_name}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("transfers:customer-import-preview", args=[self.pk])


class ImportRow(models.Model):
    """One checked row of an import's preview, read a page at a time. The cells are the mapped
    columns' values cut short (the preview shows, it does not hold the file); removed when the
    import is done."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False)
    number = models.PositiveIntegerField(help_text="The row's number in the spreadsheet.")
    # 1, 2, 3... among all the job's rows, and among the rows of its label: a page is a range of
    # these (an index range scan), never an OFFSET that walks every row before it.
    position = models.PositiveIntegerField()
    label_position = models.PositiveIntegerField()
    label = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    cells = models.JSONField(default=list)

    class Meta:
        db_table = "crm_importrow"
        ordering = ["position"]
        indexes = [models.Index(fields=["job", "label", "label_position"], name="crm_importrow_job_label")]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="crm_importrow_job_position")]

    def __str__(self) -> str:
        return f"row {self.number} of import {self.job_id}"


class ColumnMapping(models.Model):
    """A person's named choice of which field each header goes to, reused for the next file."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    columns = models.JSONField(default=dict, help_text="Header (compared without spaces or case) -> field, or \"\" to ignore.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "crm_columnmapping"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="crm_columnmapping_unique_name")]

    def __str__(self) -> str:
        return self.name


class ExportJob(JobProgress, models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Preparing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        FOLLOWUPS = "followups", _("Follow-ups")
        PLANS = "plans", _("Work plans")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (.xlsx)")
        CSV = "csv", _("CSV (UTF-8)")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOMERS)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.XLSX)
    params = models.CharField(max_length=2000, blank=True, help_text="The list's query string when it was exported.")
    language = models.CharField(max_length=15, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    result_path = models.CharField(max_length=255, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        db_table = "crm_exportjob"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="crm_exportjob_creator")]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("transfers:export-status", args=[self.pk])
