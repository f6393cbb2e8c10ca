"""Customer photos (issue 19.6, 19.8): no public /media/ route in any mode, random stored names,
and the type served is the image type Pillow found, never the one the uploader's name claims."""

import importlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from PIL import Image

from crm import services
from crm.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^customers/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|gif|webp)$")


def _png_bytes(colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _polyglot() -> bytes:
    """A valid PNG that is also read as a PDF (a PDF reader looks for %PDF in the first 1 KB)."""
    return _png_bytes() + b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _form(**overrides):
    data = {"name": "陈晓明", "company": "成都天成机械", "phone": "15811112222", "type": "intention",
            "grade": "normal", "source": "referral"}
    return {**data, **overrides}


def _upload(client, name, content, content_type):
    response = client.post(reverse("crm:customer-create"), _form(photo=SimpleUploadedFile(name, content, content_type)))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Customer.objects.get(name="陈晓明")


def test_there_is_no_media_route_even_with_debug_on(cast, client_for):
    """scripts/run sets DEBUG=1, which used to add a /media/ route with no login."""
    import config.urls

    photo = default_storage.save("customers/2026/12/p.png", ContentFile(_png_bytes()))
    try:
        with override_settings(DEBUG=True):
            importlib.reload(config.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve(f"/media/{photo}")
            assert client_for(None).get(f"/media/{photo}").status_code == 404
            assert client_for(cast.sales1).get(f"/media/{photo}").status_code == 404
    finally:
        importlib.reload(config.urls)
        clear_url_caches()


def test_a_photo_is_stored_under_a_random_name_not_the_uploaders(cast, client_for):
    customer = _upload(client_for(cast.sales1), "客户张三的身份证.png", _png_bytes(), "image/png")
    assert RANDOM_NAME.match(customer.photo.name), customer.photo.name
    assert "张三" not in customer.photo.name
    other = CustomerFactory(owner=cast.sales1)
    other.photo.save("again.png", ContentFile(_png_bytes()), save=True)  # every way in gets a random name
    assert RANDOM_NAME.match(other.photo.name) and other.photo.name != customer.photo.name


def test_a_polyglot_named_pdf_is_stored_and_served_as_the_png_it_is(cast, client_for):
    client = client_for(cast.sales1)
    customer = _upload(client, "poly.pdf", _polyglot(), "application/pdf")
    assert customer.photo.name.endswith(".png")
    response = client.get(reverse("crm:customer-photo", args=[customer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{customer.number}.png"'
    assert b"".join(response.streaming_content) == _polyglot()


def test_a_photo_stored_before_the_fix_is_served_by_its_detected_type(cast, client_for):
    """Old rows keep the uploader's name until the migration renames them; the view never trusts it."""
    customer = CustomerFactory(owner=cast.sales1)
    old = default_storage.save("customers/2026/11/poly.pdf", ContentFile(_polyglot()))
    Customer.objects.filter(pk=customer.pk).update(photo=old)
    response = client_for(cast.sales1).get(reverse("crm:customer-photo", args=[customer.pk]))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert "poly" not in response["Content-Disposition"]


def test_the_migration_moves_old_photos_to_random_names_and_they_still_show(cast, client_for,
                                                                             django_capture_on_commit_callbacks):
    migration = importlib.import_module("crm.migrations.0017_photos_under_random_names")
    customer = CustomerFactory(owner=cast.sales1)
    old = default_storage.save("customers/2026/11/王总名片.png", ContentFile(_png_bytes("blue")))
    Customer.objects.filter(pk=customer.pk).update(photo=old)
    missing = CustomerFactory(owner=cast.sales1)
    Customer.objects.filter(pk=missing.pk).update(photo="customers/2026/11/gone.png")

    from django.apps import apps

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_photos(apps, None)

    customer.refresh_from_db()
    assert RANDOM_NAME.match(customer.photo.name)
    assert not default_storage.exists(old)
    assert Customer.objects.get(pk=missing.pk).photo.name == "customers/2026/11/gone.png"  # nothing to move
    response = client_for(cast.sales1).get(reverse("crm:customer-photo", args=[customer.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == _png_bytes("blue")


def test_a_file_that_is_not_an_accepted_image_is_never_served(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    Customer.objects.filter(pk=customer.pk).update(
        photo=default_storage.save("customers/2026/11/page.html", ContentFile(b"<script>alert(1)</script>")))
    assert client_for(cast.sales1).get(reverse("crm:customer-photo", args=[customer.pk])).status_code == 404


@pytest.mark.parametrize("who, status", [
    ("sales1", 200), ("sup1", 200), ("admin", 200),  # owner, their supervisor, an admin
    ("sales1b", 404), ("sales2", 404), ("sup2", 404), ("backup", 404),  # a colleague, another group, backups
])
def test_who_may_see_a_customers_photo(cast, client_for, who, status):
    customer = CustomerFactory(owner=cast.sales1)
    customer.photo.save("x.png", ContentFile(_png_bytes()), save=True)
    assert client_for(getattr(cast, who)).get(reverse("crm:customer-photo", args=[customer.pk])).status_code == status


def test_a_share_shows_the_photo_until_it_is_revoked(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    customer.photo.save("x.png", ContentFile(_png_bytes()), save=True)
    url = reverse("crm:customer-photo", args=[customer.pk])
    services.customer_share(customer=customer, colleague=cast.sales2, cofollow=False, by=cast.sales1)
    assert client_for(cast.sales2).get(url).status_code == 200
    services.customer_unshare(customer=customer, colleague=cast.sales2, by=cast.sales1)
    assert client_for(cast.sales2).get(url).status_code == 404


def test_a_customer_without_a_photo_has_none_to_serve(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    assert client_for(cast.sales1).get(reverse("crm:customer-photo", args=[customer.pk])).status_code == 404
