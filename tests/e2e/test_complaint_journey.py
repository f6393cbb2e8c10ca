"""Issue 25's journey: a salesperson on a phone, in Chinese, logs a customer's complaint from the
customer's page with a photo of the late goods (the camera input), sees the photo on the
complaint, records the call that answered it as a follow-up, and marks the complaint responded
within the deadline, linking that call; the complaint list shows it answered within
24 hours and the customer list flags the customer while the complaint is open."""

import io

import pytest
from PIL import Image
from django.urls import reverse
from django.utils import timezone

from attachments.models import Attachment
from complaints.models import Complaint
from crm import services
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_a_salesperson_logs_a_complaint_and_responds_in_time(cast, journey, device, language):
    customer = services.customer_create(
        data={"name": "韩梅梅", "company": "梅花电子", "phone": "139 1234 0000", "type": "intention"},
        owner=cast.sales1, by=cast.sales1,
    )
    me = journey("25-complaint", cast.sales1, device=device, language=language, allowed=("boxes.jpg",))
    page = me.go(customer.get_absolute_url())
    page.locator(f"main a[href='{reverse('complaints:complaint-create', args=[customer.pk])}']").click()
    page.select_option("#id_channel", "wechat")
    page.select_option("#id_category", "delivery")
    page.select_option("#id_severity", "high")
    page.fill("#id_description", "订的 200 台路由器晚到三天，客户很不满意。")
    assert page.locator("#id_photo").get_attribute("capture") == "environment"
    page.set_input_files("#id_photo", files=[{"name": "boxes.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    me.shot("complaint-form")
    submit(page)
    complaint = Complaint.objects.get()
    assert (complaint.customer, complaint.severity, complaint.state) == (customer, "high", "new")
    assert timezone.localtime(complaint.response_due_at).strftime("%Y-%m-%d %H:%M") in success_message(page)
    photo = Attachment.objects.get(target_type="complaint", target_id=complaint.pk)
    assert photo.name == "boxes.jpg"
    thumb = page.locator(".attachment-list img.attachment-thumb")
    thumb.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", thumb.element_handle()) == 320
    me.shot("complaint-logged")

    services.followup_create(customer=customer, subject="电话致歉", content="答应补发并减免运费",
                             occurred_at=timezone.now(), by=cast.sales1)
    page.reload()
    form = page.locator("form.complaint-move-form")
    form.locator("select[name=to_state]").select_option("responded")
    form.locator("textarea[name=note]").fill("已电话致歉，明天补发。")
    form.locator("label", has_text="电话致歉").click()
    me.shot("responding")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    complaint.refresh_from_db()
    assert complaint.state == "responded" and complaint.answered_within_day
    assert [f.subject for f in complaint.followups.all()] == ["电话致歉"]
    assert page.locator(".answered-in-day").count() == 1
    assert page.locator(".complaint-steps li").count() == 2
    assert page.locator(".attachment-list", has_text="boxes.jpg").count() == 1  # the photo is still there
    me.shot("responded")

    open_menu_item(page, reverse("complaints:complaint-list"))
    assert page.locator(".complaint-row", has_text="韩梅梅").count() == 1
    me.shot("complaint-list")
    open_menu_item(page, reverse("crm:customer-list"))
    assert page.locator(".customer-row", has_text="韩梅梅").locator(".customer-badge").count() == 1
    me.shot("customer-list")

    boss = journey("25-complaint-report", cast.sup1, device=device, language=language)
    page = boss.go(reverse("reports:complaints"))
    per_person = page.locator(".report-section", has_text=cast.sales1.display_name)
    assert "100.0%" in per_person.inner_text()  # the one complaint was answered within 24 hours
    boss.shot("report")

    admin = journey("25-complaint-deadlines", cast.admin, device=device, language=language)
    page = admin.go(reverse("complaints:deadline-settings"))
    page.fill("#id_response_critical", "2")
    admin.shot("deadline-form")
    submit(page)
    assert success_message(page)
    admin.shot("deadlines-saved")
