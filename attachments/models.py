from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attachments.storage import attachment_storage


class Attachment(models.Model):
    """A file on a customer, a follow-up or a deal (attachments.targets lists the kinds).

    The stored name is random (attachments.storage); `name` is what people see, the uploader's
    file name with the extension of the type found in the bytes. A removed file keeps its row
    and bytes until ATTACHMENTS_RETENTION_DAYS have passed (purge_attachments)."""

    target_type = models.CharField(_("attached to"), max_length=20)
    target_id = models.BigIntegerField()
    customer = models.ForeignKey("crm.Customer", on_delete=models.CASCADE, related_name="+")
    # The storage callable is read once when models load: code reads and writes the bytes through
    # attachments.storage.attachment_storage() (the configured one), never through `file`.
    file = models.FileField(storage=attachment_storage, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    previewable = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["target_type", "target_id", "uploaded_at"], name="attachment_target_idx"),
            models.Index(fields=["customer"], name="attachment_customer_idx"),
            models.Index(fields=["removed_at"], name="attachment_removed_idx", condition=models.Q(removed_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
