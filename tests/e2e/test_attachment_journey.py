"""Issue 25's attachments on a phone, in Chinese: a salesperson photographs a business card on a
customer's page (the camera input), sees its thumbnail and opens the preview; a program renamed
.jpg is refused with a reason and stores nothing. Also on a desktop in English."""

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from attachments.models import Attachment
from crm import services
from tests.e2e.steps import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _business_card() -> bytes:
    image = Image.new("RGB", (640, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 340), outline="navy", width=6)
    draw.rectangle((40, 60, 300, 100), fill="navy")
    draw.rectangle((40, 140, 500, 160), fill="gray")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_a_salesperson_photographs_a_business_card_onto_a_customer(cast, journey, device, language):
    customer = services.customer_create(
        data={"name": "李雷", "company": "雷霆机械", "phone": "139 5555 0000", "type": "intention"},
        owner=cast.sales1, by=cast.sales1,
    )
    me = journey("25-attachment", cast.sales1, device=device, language=language, allowed=("card.jpg", "virus.jpg"))
    page = me.go(customer.get_absolute_url())
    assert page.locator("#attach-camera").get_attribute("capture") == "environment"
    me.shot("customer")

    page.set_input_files("#attach-camera", files=[{"name": "card.jpg", "mimeType": "image/jpeg",
                                                   "buffer": _business_card()}])
    submit(page, ".attachment-camera")
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.name) == ("image/jpeg", "card.jpg")
    assert page.locator("main .alert-success").count() == 1
    thumb = page.locator(".attachment-list img.attachment-thumb")
    thumb.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", thumb.element_handle()) == 640
    me.shot("photo-attached")

    preview = reverse("attachments:attachment-preview", args=[attachment.pk])
    response = page.request.get(preview)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"

    page.set_input_files("#attach-file", files=[{"name": "virus.jpg", "mimeType": "image/jpeg",
                                                 "buffer": b"MZ\x90\x00" + b"\x00" * 200}])
    submit(page, ".attachment-file")
    assert page.locator("main .alert-danger").count() == 1
    assert Attachment.objects.count() == 1
    me.shot("lie-refused")
