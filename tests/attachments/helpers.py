"""Files for the attachment tests: real bytes of each type, and records to attach them to."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from attachments import storage
from attachments.models import Attachment
from crm.models import FollowUp
from tests.deals.deals_helpers import make_deal
from tests.factories import CustomerFactory

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >>"
       b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def png(colour="red", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(colour="blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def bomb() -> bytes:
    """A tiny PNG that claims 30000 x 30000 pixels (900 million: over Pillow's 89-million limit)."""
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    return buffer.getvalue()


def office(folder="word/", macros=False) -> bytes:
    buffer = io.BytesIO()
    main = {"word/": "document", "xl/": "workbook", "ppt/": "presentation"}[folder]
    content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else "application/xml"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override PartName="/{folder}{main}.xml" ContentType="{content_type}"/></Types>')
        archive.writestr(f"{folder}{main}.xml", "<x/>")
        if macros:
            archive.writestr(f"{folder}vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def stored(kind, record, *, content=None, name="报价单.png", content_type="image/png", by=None, removed=False):
    """An attachment written straight to its final name (what a committed upload leaves)."""
    content = png() if content is None else content
    _incoming, final = storage.new_names(name.rsplit(".", 1)[-1])
    storage.attachment_storage().save(final, ContentFile(content))
    customer_id = record.pk if kind == "customer" else record.customer_id
    return Attachment.objects.create(
        target_type=kind, target_id=record.pk, customer_id=customer_id, file=final, name=name,
        content_type=content_type, size=len(content), sha256="0" * 64,
        previewable=content_type.startswith("image/") or content_type == "application/pdf",
        uploaded_by=by, removed_at=timezone.now() if removed else None)


def records_for(owner, *, author=None, name="附件客户"):
    """A customer of `owner` (None: the pool) with a follow-up and a deal."""
    customer = CustomerFactory(name=name, owner=owner, created_by=owner or author)
    followup = FollowUp.objects.create(customer=customer, author=owner or author, subject="电话", content="聊了报价",
                                       occurred_at=timezone.now() - timezone.timedelta(hours=1))
    deal = make_deal(customer=customer, by=owner or author) if owner else None
    return customer, followup, deal
