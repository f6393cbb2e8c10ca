"""All user text is escaped on output, and uploads are judged by their content.

Escaping: a customer, its follow-up, a plan, a board message and reply, a suggestion, a saved
search and an import job carry HTML/script payloads; every GET page of the project is opened as
the admin (who sees everything) with every id; no page contains the payload as markup. Exports
keep formulas as text."""

import csv
import io
import struct
import zlib
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Post, Reply, Suggestion
from crm.models import Customer, FollowUp, SavedSearch
from tests.factories import CustomerFactory
from tests.security.test_leaks import body_text, requests_to_make
from transfers.models import ImportJob
from workplans.models import Plan

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('xss1')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'
PAYLOAD = SCRIPT + ATTRIBUTE
FORMULA = '=HYPERLINK("http://evil.example/","click")'


def _seed(cast):
    now = timezone.now()
    customer = CustomerFactory(name=PAYLOAD[:100], company=PAYLOAD, notes=PAYLOAD, address=PAYLOAD, industry=PAYLOAD[:100],
                               job_title=PAYLOAD[:100], owner=cast.sales1, next_contact_on=timezone.localdate(),
                               last_contact_at=now)
    followup = FollowUp.objects.create(customer=customer, author=cast.sales1, subject=PAYLOAD, content=PAYLOAD,
                                       occurred_at=now - timedelta(minutes=5))
    plan = Plan.objects.create(author=cast.sales1, subject=PAYLOAD, content=PAYLOAD, remarks=PAYLOAD,
                               start_at=now, end_at=now + timedelta(hours=1))
    plan.customers.add(customer)
    post = Post.objects.create(guest_name=PAYLOAD[:30], title=PAYLOAD, content=PAYLOAD)
    reply = Reply.objects.create(post=post, author=cast.sales1, content=PAYLOAD)
    suggestion = Suggestion.objects.create(author=cast.sales1, title=PAYLOAD, content=PAYLOAD)
    search = SavedSearch.objects.create(owner=cast.admin, name=PAYLOAD[:50], query=PAYLOAD[:100])
    job = ImportJob.objects.create(created_by=cast.admin, owner=cast.admin, original_name=PAYLOAD, upload_path="x.csv",
                                   status=ImportJob.Status.FAILED, message=PAYLOAD)
    return customer, [o.pk for o in (customer, followup, plan, post, reply, suggestion, search, job)]


def test_no_page_renders_user_text_as_markup(cast, client_for, capsys):
    customer, ids = _seed(cast)
    admin = client_for(cast.admin)
    admin.raise_request_exception = False
    pages, unescaped = 0, []
    for url in requests_to_make(ids, [cast.sales1.pk, cast.admin.pk]):
        response = admin.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text = body_text(response)
        if "<script>alert(" in text or "<img src=x" in text:
            unescaped.append(f"{url}: {response.status_code}")
    # Sanity: the payload is on the pages, escaped (so the check above can fail).
    for url in (customer.get_absolute_url(), reverse("crm:followup-list"), reverse("bulletin:post-list"),
                reverse("bulletin:suggestion-list"), reverse("workplans:plan-list") + "?when=any"):
        assert "&lt;script&gt;alert(" in body_text(admin.get(url)), url
    with capsys.disabled():
        print(f"\nescaping: {pages} pages opened as the admin, {len(unescaped)} with markup from user text")
    assert not unescaped, "\n".join(unescaped)


def test_exports_keep_formulas_and_markup_as_text(cast, client_for):
    CustomerFactory(name=FORMULA[:100], company=PAYLOAD, notes="@SUM(A1:A9)", owner=cast.sales1)
    client = client_for(cast.sales1)
    rows = list(csv.reader(io.StringIO(body_text(client.post(reverse("transfers:customer-export"), {"params": "", "format": "csv"})).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells and PAYLOAD in cells and "'@SUM(A1:A9)" in cells
    response = client.post(reverse("transfers:customer-export"), {"params": "", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "'" + FORMULA in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def _form(**extra):
    return {"name": "陈晓明", "phone": "13912345678", "type": "intention", "grade": "normal", "source": "self", **extra}


def _png_header(width, height) -> bytes:
    """A tiny PNG file that claims to be width x height pixels (a decompression bomb's header)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("name, content", [
    ("photo.png", b"<html><script>alert(1)</script></html>"),  # HTML named .png
    ("photo.jpg", b"%PDF-1.4 not a picture"),
    ("photo.gif", b"GIF89a" + b"<script>alert(1)</script>"),  # a GIF header and nothing valid after it
    ("photo.png", _png_header(30000, 30000)),  # claims 900 megapixels
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
])
def test_only_real_images_of_a_sane_size_become_photos(cast, client_for, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), {**_form(), "photo": upload})
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_an_image_under_a_non_image_name_is_refused(cast, client_for):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    upload = SimpleUploadedFile("photo.txt", buffer.getvalue(), content_type="text/plain")
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), {**_form(), "photo": upload})
    assert "photo" in response.context["form"].errors
    assert not Customer.objects.exists()
