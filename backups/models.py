"""The backup catalogue: one row per backup written by backups/dump.py.

The files under BACKUP_DIR are the truth (verify_backup and restore need only them and their
manifest); these rows let the backups page show progress, checksums and verification.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A "running" row older than this belongs to a process that died; it no longer blocks a new one.
STALE_AFTER = timedelta(hours=12)


class Backup(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFYING = "verifying", _("Verifying")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Verification failed")

    name = models.CharField(_("name"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    # time, app version, migrations, per-table row counts, and size + SHA-256 of every file
    manifest = models.JSONField(default=dict, blank=True)
    table_count = models.IntegerField(_("tables"), null=True, blank=True)
    row_total = models.BigIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    verification = models.CharField(
        _("verification"), max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verify_message = models.TextField(_("verification result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        db_table = "crm_backup"  # the table it had in crm: moving the model copied no data
        ordering = ["-started_at", "-id"]
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return self.name

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING and self.started_at > timezone.now() - STALE_AFTER

    @property
    def is_verifying(self) -> bool:
        return self.verification == self.Verification.VERIFYING

    @property
    def is_busy(self) -> bool:
        return self.is_running or self.is_verifying

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    @property
    def encrypted(self) -> bool:
        return bool(self.manifest.get("encryption"))

    @property
    def dump_sha256(self) -> str:
        """Of the dump as stored: the ciphertext of an encrypted backup."""
        files = self.manifest.get("files", {})
        return (files.get("database.dump.enc") or files.get("database.dump") or {}).get("sha256", "")

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
