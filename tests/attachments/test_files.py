"""Attaching, previewing, downloading and removing files, as the people who do it see it; and
the leak tests: another group's file ids in every URL give 404, change nothing and never hand
out the file's bytes."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from attachments.models import Attachment
from tests.attachments.helpers import EXE, PDF, bomb, office, png, records_for, stored, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales1_records(cast):
    return records_for(cast.sales1, name="陈晓明")


def _attach(client, kind, record, file, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("attachments:attachment-upload", args=[kind, record.pk]), {"file": file}, follow=True)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_salesperson_can_attach_a_photo_to_a_customer_and_see_its_preview(cast, client_for, sales1_records,
                                                                        django_capture_on_commit_callbacks):
    customer, _followup, _deal = sales1_records
    client = client_for(cast.sales1)
    picture = png("green")
    response = _attach(client, "customer", customer, upload("C:\\手机\\名片.png", picture, "image/png"),
                       django_capture_on_commit_callbacks)
    assert "名片.png is attached." in response.content.decode()
    attachment = Attachment.objects.get(target_type="customer", target_id=customer.pk)
    assert attachment.name == "名片.png" and attachment.content_type == "image/png" and attachment.size == len(picture)
    # Stored under a random name, moved out of the incoming folder when the row committed.
    assert attachment.file.name.startswith("attachments/") and "名片" not in attachment.file.name
    assert "/incoming/" not in attachment.file.name and default_storage.exists(attachment.file.name)
    page = client.get(customer.get_absolute_url()).content.decode()
    preview = reverse("attachments:attachment-preview", args=[attachment.pk])
    assert f'src="{preview}"' in page and 'capture="environment"' in page
    shown = client.get(preview)
    assert shown["Content-Type"] == "image/png" and _content(shown) == picture
    assert shown["Content-Disposition"].startswith("inline") and shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"].startswith("sandbox")
    downloaded = client.get(reverse("attachments:attachment-download", args=[attachment.pk]))
    assert downloaded["Content-Disposition"].startswith("attachment") and _content(downloaded) == picture


def test_supervisor_can_attach_a_pdf_to_a_deal_and_a_follow_up(cast, client_for, sales1_records,
                                                             django_capture_on_commit_callbacks):
    customer, followup, deal = sales1_records
    client = client_for(cast.sup1)
    _attach(client, "deal", deal, upload("合同.pdf", PDF, "application/pdf"), django_capture_on_commit_callbacks)
    _attach(client, "followup", followup, upload("聊天截图.png", png(), "image/png"), django_capture_on_commit_callbacks)
    assert "合同.pdf" in client.get(deal.get_absolute_url()).content.decode()
    assert "聊天截图.png" in client.get(followup.get_absolute_url()).content.decode()
    # Each record shows its own files: the customer's page does not list the deal's contract.
    assert "合同.pdf" not in client.get(customer.get_absolute_url()).content.decode()
    pdf = Attachment.objects.get(name="合同.pdf")
    shown = client.get(reverse("attachments:attachment-preview", args=[pdf.pk]))
    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    # The browser's PDF viewer is allowed (no sandbox, object-src 'self'); scripts are not.
    assert "sandbox" not in shown["Content-Security-Policy"] and "script-src" not in shown["Content-Security-Policy"]


@pytest.mark.parametrize("name, content, message", [
    ("photo.jpg", EXE, "not accepted"),
    ("photo.jpg", PDF, "its content is a PDF file"),
    ("bomb.png", bomb(), "too large to open"),
    ("合同.docm", office(macros=True), "macros"),
])
def test_a_refused_file_says_why_and_stores_nothing(cast, client_for, sales1_records, name, content, message,
                                                    django_capture_on_commit_callbacks):
    customer = sales1_records[0]
    before = sorted(_stored_files())
    response = _attach(client_for(cast.sales1), "customer", customer, upload(name, content), django_capture_on_commit_callbacks)
    assert message in response.content.decode()
    assert not Attachment.objects.exists() and sorted(_stored_files()) == before


def test_a_file_over_the_limit_is_refused(cast, client_for, sales1_records, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENTS_MAX_BYTES = 1000
    response = _attach(client_for(cast.sales1), "customer", sales1_records[0], upload("big.pdf", PDF + b" " * 1000),
                       django_capture_on_commit_callbacks)
    assert "The file is too large: at most 1000" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_size_limit_is_twenty_megabytes_by_default():
    from django.conf import settings

    assert settings.ATTACHMENTS_MAX_BYTES == 20 * 1024 * 1024


def test_an_office_file_is_downloaded_but_has_no_preview(cast, client_for, sales1_records,
                                                         django_capture_on_commit_callbacks):
    _attach(client_for(cast.sales1), "customer", sales1_records[0], upload("报价.xlsx", office("xl/")),
            django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get()
    client = client_for(cast.sales1)
    assert client.get(reverse("attachments:attachment-preview", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachments:attachment-download", args=[attachment.pk])).status_code == 200


def test_removing_hides_the_file_and_the_admin_can_put_it_back(cast, client_for, sales1_records):
    customer = sales1_records[0]
    attachment = stored("customer", customer, by=cast.sales1)
    sales1 = client_for(cast.sales1)
    sales1.post(reverse("attachments:attachment-remove", args=[attachment.pk]))
    assert sales1.get(reverse("attachments:attachment-download", args=[attachment.pk])).status_code == 404
    assert attachment.name not in sales1.get(customer.get_absolute_url()).content.decode()
    assert default_storage.exists(attachment.file.name)  # kept until the retention period ends
    admin = client_for(cast.admin)
    assert "Put back" in admin.get(customer.get_absolute_url()).content.decode()
    admin.post(reverse("attachments:attachment-restore", args=[attachment.pk]))
    assert sales1.get(reverse("attachments:attachment-download", args=[attachment.pk])).status_code == 200
    # Both are on the audit trail, with who did it.
    trail = admin.get(reverse("staff:audit-list")).content.decode()
    assert "Removed the file 报价单.png" in trail and "Put back the file 报价单.png" in trail


def test_a_colleague_in_the_group_sees_the_file_but_cannot_remove_it(cast, client_for, sales1_records):
    """A share of the customer shows its files (the customer's policy); removing is the owner's side."""
    from crm import services as crm_services

    customer = sales1_records[0]
    attachment = stored("customer", customer)
    crm_services.customer_share(customer=customer, colleague=cast.sales1b, cofollow=False, by=cast.sales1)
    colleague = client_for(cast.sales1b)
    assert colleague.get(reverse("attachments:attachment-download", args=[attachment.pk])).status_code == 200
    assert colleague.post(reverse("attachments:attachment-remove", args=[attachment.pk])).status_code == 403
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None


def test_a_shared_customer_shows_no_deal_files(cast, client_for, sales1_records):
    """A share is a favour to follow a customer, not its money: the deal's contract stays hidden."""
    from crm import services as crm_services

    customer, _followup, deal = sales1_records
    contract = stored("deal", deal, content=PDF, name="合同.pdf", content_type="application/pdf")
    crm_services.customer_share(customer=customer, colleague=cast.sales1b, cofollow=True, by=cast.sales1)
    colleague = client_for(cast.sales1b)
    assert colleague.get(reverse("attachments:attachment-download", args=[contract.pk])).status_code == 404


def _stored_files():
    root = default_storage.path("attachments")
    import os

    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_another_groups_file_ids_in_every_url_give_404_change_nothing_and_leak_no_bytes(
        cast, client_for, django_capture_on_commit_callbacks):
    secret = b"%PDF-1.4 other group's contract price 888888"
    customer, followup, deal = records_for(cast.sales2, name="二组客户")
    theirs = {kind: stored(kind, record, content=secret, name="secret.pdf", content_type="application/pdf")
              for kind, record in (("customer", customer), ("followup", followup), ("deal", deal))}
    removed = stored("customer", customer, content=secret, name="gone.pdf", content_type="application/pdf", removed=True)
    for user in (cast.sales1, cast.sup1, cast.backup):
        client = client_for(user)
        for attachment in [*theirs.values(), removed]:
            for name in ("attachment-download", "attachment-preview", "attachment-remove"):
                url = reverse(f"attachments:{name}", args=[attachment.pk])
                for response in (client.get(url), client.post(url)):
                    assert response.status_code in (404, 405), (user, name, response.status_code)
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    assert b"888888" not in body and b"secret.pdf" not in body
            assert client.post(reverse("attachments:attachment-restore", args=[attachment.pk])).status_code == 404
        for kind, record in (("customer", customer), ("followup", followup), ("deal", deal)):
            response = _attach(client, kind, record, upload("x.png", png()), django_capture_on_commit_callbacks)
            assert response.status_code == 404
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 3
    assert Attachment.objects.get(pk=removed.pk).removed_at is not None
    assert Attachment.objects.count() == 4


def test_an_unknown_kind_of_record_is_404(cast, client_for, sales1_records):
    response = client_for(cast.sales1).post(reverse("attachments:attachment-upload", args=["invoice", sales1_records[0].pk]),
                                            {"file": upload("a.png", png())})
    assert response.status_code == 404


def test_the_files_panel_is_in_chinese(cast, client_for, sales1_records):
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = "zh-hans"
    page = client.get(sales1_records[0].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "附件" in page and "拍照" in page


def test_the_files_panel_costs_the_same_queries_for_one_file_or_twenty(cast, client_for, sales1_records,
                                                                      django_assert_max_num_queries):
    customer = sales1_records[0]
    client = client_for(cast.admin)
    stored("customer", customer, by=cast.sales1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(customer.get_absolute_url())
    for i in range(19):
        stored("customer", customer, name=f"{i}.png", by=cast.sales1b if i % 2 else cast.sales1)
    stored("customer", customer, name="gone.png", removed=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(customer.get_absolute_url()).content.decode()
    assert page.count('class="attachment-thumb"') == 20 and "gone.png" in page
