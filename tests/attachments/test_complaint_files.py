"""Files on complaints (issue 25): attached when logging the complaint (a photo from the phone's
camera, or a file) or later on the complaint's page; exactly as visible as the complaint."""

import pytest
from django.urls import reverse

from attachments.models import Attachment
from complaints.models import Complaint
from tests.attachments.helpers import EXE, PDF, png, stored, upload
from tests.complaints.helpers import log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FIELDS = {"channel": "phone", "category": "product", "severity": "normal", "description": "收到的货有破损"}


def _log(client, customer, callbacks, **files):
    with callbacks(execute=True):
        return client.post(reverse("complaints:complaint-create", args=[customer.pk]), {**FIELDS, **files}, follow=True)


def test_a_complaint_logged_with_a_photo_and_a_file_shows_both_on_its_page(cast, client_for,
                                                                           django_capture_on_commit_callbacks):
    customer = CustomerFactory(owner=cast.sales1, created_by=cast.sales1)
    client = client_for(cast.sales1)
    response = _log(client, customer, django_capture_on_commit_callbacks,
                    photo=upload("破损.png", png("red"), "image/png"), file=upload("发货单.pdf", PDF, "application/pdf"))
    complaint = Complaint.objects.get(customer=customer)
    files = Attachment.objects.filter(target_type="complaint", target_id=complaint.pk).order_by("name")
    assert [(f.name, f.content_type, f.customer_id) for f in files] == [
        ("发货单.pdf", "application/pdf", customer.pk), ("破损.png", "image/png", customer.pk)]
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == complaint.get_absolute_url()
    assert "破损.png" in page and "发货单.pdf" in page
    download = client.get(reverse("attachments:attachment-download", args=[files[0].pk]))
    assert b"".join(download.streaming_content) == PDF


def test_the_form_offers_the_camera_and_the_page_has_its_files_section_in_chinese(cast, client_for):
    complaint = log(cast.sales1)
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = "zh-hans"
    form = client.get(reverse("complaints:complaint-create", args=[complaint.customer_id]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'capture="environment"' in form and "照片" in form
    page = client.get(complaint.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="attachments"' in page and "拍照" in page


def test_a_refused_file_saves_no_complaint_and_no_file(cast, client_for, django_capture_on_commit_callbacks):
    customer = CustomerFactory(owner=cast.sales1, created_by=cast.sales1)
    response = _log(client_for(cast.sales1), customer, django_capture_on_commit_callbacks,
                    photo=upload("ok.png", png(), "image/png"), file=upload("报价.pdf", EXE))
    assert response.status_code == 200
    assert "This kind of file is not accepted" in response.content.decode()
    assert not Complaint.objects.filter(customer=customer).exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_saves_no_complaint(cast, client_for, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENTS_MAX_BYTES = 100
    customer = CustomerFactory(owner=cast.sales1, created_by=cast.sales1)
    response = _log(client_for(cast.sales1), customer, django_capture_on_commit_callbacks,
                    photo=upload("big.png", png(size=(64, 64)), "image/png"))
    assert "The file is too large" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_a_complaint_without_files_is_logged_as_before(cast, client_for, django_capture_on_commit_callbacks):
    customer = CustomerFactory(owner=cast.sales1, created_by=cast.sales1)
    _log(client_for(cast.sales1), customer, django_capture_on_commit_callbacks)
    assert Complaint.objects.filter(customer=customer).count() == 1 and not Attachment.objects.exists()


def test_files_are_attached_later_on_the_complaints_page_by_whoever_works_on_it(cast, client_for,
                                                                              django_capture_on_commit_callbacks):
    complaint = log(cast.sales1b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.sup1).post(reverse("attachments:attachment-upload", args=["complaint", complaint.pk]),
                                              {"file": upload("回复.png", png(), "image/png")})
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url() + "#attachments"
    assert Attachment.objects.get(target_type="complaint").customer_id == complaint.customer_id


def test_another_groups_complaint_files_are_404_and_their_bytes_never_served(cast, client_for,
                                                                            django_capture_on_commit_callbacks):
    complaint = log(cast.sales2)
    secret = stored("complaint", complaint, content=b"%PDF-1.4 refund 777777", name="secret.pdf",
                    content_type="application/pdf")
    for user in (cast.sales1, cast.sales1b, cast.sup1, cast.backup):
        client = client_for(user)
        for name in ("attachment-download", "attachment-preview", "attachment-remove"):
            response = client.get(reverse(f"attachments:{name}", args=[secret.pk]))
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code == 404 and b"777777" not in body, (user, name)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("attachments:attachment-upload", args=["complaint", complaint.pk]),
                                   {"file": upload("x.png", png(), "image/png")})
        assert response.status_code == 404
    assert Attachment.objects.count() == 1 and Attachment.objects.get().removed_at is None
    assert client_for(cast.sup2).get(reverse("attachments:attachment-download", args=[secret.pk])).status_code == 200
