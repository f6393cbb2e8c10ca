"""The contacts import (issue 25): every row checked before anything is written, the importer's
scope, the duplicate rule (撞单), one primary per customer, bad input refused with the row's
number, nothing half-imported, a re-run adds nothing; the export reads back."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from contacts import services as contact_services
from contacts.models import Contact, ContactChange
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import body, csv_bytes, export, private_files, xlsx_bytes  # noqa: F401

pytestmark = pytest.mark.django_db
HEADERS = ["客户编号", "联系人姓名", "职务", "手机", "座机", "邮箱", "生日", "主要联系人"]


def _upload(client, content, name="contacts.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("transfers:contact-import"), {"file": SimpleUploadedFile(name, content)})


def _import(client, preview, action="import", columns=None):
    form = preview.context["columns_form"]
    data = {"token": form.initial["token"], "action": action}
    for index, field in enumerate(form.column_fields()):
        data[f"col{index}"] = (columns or {}).get(index, field.initial)
    return client.post(reverse("transfers:contact-import-confirm"), data)


def _rows(response):
    return {row.number: (row.status, row.reason) for row in response.context["checked"].rows}


def test_a_salesperson_imports_contacts_of_their_customers_and_a_rerun_adds_nothing(cast, client_for, customers):
    client = client_for(cast.sales1)
    content = csv_bytes([HEADERS, [customers.own.number, "王采购", "采购经理", "13811112222", "", "wang@example.com",
                                   "1980-05-06", "是"],
                         [customers.own.number, "'=财务", "", "", "021-12345678", "", "", "否"]])
    preview = _upload(client, content)
    assert preview.status_code == 200 and preview.context["checked"].new == 2
    assert not Contact.objects.exists()  # the preview writes nothing
    response = _import(client, preview)
    assert response.status_code == 302
    contacts = {contact.name: contact for contact in Contact.objects.filter(customer=customers.own)}
    assert set(contacts) == {"王采购", "=财务"} and contacts["王采购"].is_primary
    assert contacts["王采购"].birthday.isoformat() == "1980-05-06" and contacts["=财务"].landline == "021-12345678"
    assert ContactChange.objects.filter(action="added").count() == 2
    assert AuditEvent.objects.get(action="contacts.import").count == 2
    again = _upload(client, content)
    assert again.context["checked"].new == 0 and again.context["checked"].same == 2
    assert _import(client, again).status_code == 302  # nothing new: imported as "0 new, 2 already there"
    assert Contact.objects.count() == 2


def test_the_contact_export_reads_back_as_already_there(cast, client_for, customers):
    contact_services.contact_add(customer=customers.own, data={"name": "李总", "mobile": "13899990000",
                                                               "is_primary": True}, by=cast.sales1)
    client = client_for(cast.sales1)
    exported = body(export(client, reverse("transfers:record-export", args=["contacts"])))
    preview = _upload(client, exported, name="contacts.xlsx")
    assert preview.context["checked"].same == 1 and preview.context["checked"].bad == 0


def test_bad_rows_are_refused_by_number_and_nothing_is_imported(cast, client_for, customers):
    contact_services.contact_add(customer=customers.other_group, data={"name": "别人的", "mobile": "13700005555"},
                                 by=cast.sales2)
    second = CustomerFactory(owner=cast.sales1)
    rows = [HEADERS,
            [customers.own.number, "好的一行", "", "13800001234", "", "", "", ""],          # 2: fine
            [customers.other_group.number, "别组的", "", "", "", "", "", ""],              # 3: another group's
            [customers.own.number, "撞单", "", "137-0000-5555", "", "", "", ""],           # 4: a colleague's phone
            [customers.own.number, "坏号码", "", "12", "", "", "", ""],                     # 5: phone format
            [customers.own.number, "未来", "", "", "", "", "9999-12-31", ""],              # 6: birthday
            [customers.own.number, "x" * 100_000, "", "", "", "", "", ""],                 # 7: 100 KB
            [customers.own.number, "空\x00字符", "", "", "", "", "", ""],                    # 8: NUL
            [customers.own.number, "主一", "", "", "", "", "", "是"],                       # 9: primary
            [customers.own.number, "主二", "", "", "", "", "", "是"],                       # 10: a second primary
            [second.number, "同号", "", "13800001234", "", "", "", ""],                    # 11: row 2's phone
            [customers.pool.number, "池子", "", "", "", "", "", ""],                       # 12: pool customer
            [customers.own.number, "坏邮箱", "", "", "", "not-mail", "", ""]]              # 13: e-mail
    client = client_for(cast.sales1)
    preview = _upload(client, csv_bytes(rows))
    found = _rows(preview)
    assert found[2][0] == "new" and found[9][0] == "new"
    assert {number for number, (status, _reason) in found.items() if status == "bad"} == {
        3, 4, 5, 6, 7, 8, 10, 11, 12, 13}
    assert "Row 2" in found[11][1]
    assert "13" not in found[3][1] and customers.other_group.number in found[3][1]
    assert "phone" in found[4][1] or "电话" in found[4][1]
    assert "100000" not in found[7][1] and "50" in found[7][1]
    page = preview.content.decode()
    assert "x" * 60 not in page
    response = _import(client, preview)
    assert response.status_code == 200 and "Nothing was imported" in response.content.decode()
    assert Contact.objects.filter(customer=customers.own).count() == 0


def test_a_supervisor_imports_for_their_group_not_another(cast, client_for, customers):
    rows = [HEADERS, [customers.same_group.number, "组员的联系人", "", "", "", "", "", ""],
            [customers.other_group.number, "别组", "", "", "", "", "", ""]]
    found = _rows(_upload(client_for(cast.sup1), csv_bytes(rows)))
    assert found[2][0] == "new" and found[3][0] == "bad"
    found = _rows(_upload(client_for(cast.admin), csv_bytes(rows)))
    assert found[2][0] == "new" and found[3][0] == "new"


def test_a_primary_contact_from_the_file_takes_over(cast, client_for, customers):
    old = contact_services.contact_add(customer=customers.own, data={"name": "旧主", "is_primary": True}, by=cast.sales1)
    client = client_for(cast.sales1)
    preview = _upload(client, csv_bytes([HEADERS, [customers.own.number, "新主", "", "", "", "", "", "yes"]]))
    assert _import(client, preview).status_code == 302
    old.refresh_from_db()
    assert not old.is_primary and Contact.objects.get(name="新主").is_primary


@pytest.mark.parametrize("content, name", [(b"", "empty.csv"), (b"%PDF-1.4 not a sheet", "contacts.pdf"),
                                           (b"PK\x03\x04garbage", "contacts.xlsx")])
def test_a_file_that_is_not_a_sheet_is_refused_with_a_message(cast, client_for, content, name):
    response = _upload(client_for(cast.sales1), content, name=name)
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_the_customer_import_workbooks_contacts_sheet_is_read(cast, client_for, customers):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["客户名称", "电话"])
    workbook.active.append(["某客户", "13800000000"])
    sheet = workbook.create_sheet("联系人")
    sheet.append(["客户编号", "联系人姓名"])
    sheet.append([customers.own.number, "第二页的人"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = _upload(client_for(cast.sales1), buffer.getvalue(), name="customers.xlsx")
    assert [row.data.get("name") for row in preview.context["checked"].rows] == ["第二页的人"]


def test_a_forged_or_someone_elses_ticket_is_a_404(cast, client_for, customers):
    preview = _upload(client_for(cast.sales1), csv_bytes([HEADERS, [customers.own.number, "甲", "", "", "", "", "", ""]]))
    token = preview.context["columns_form"].initial["token"]
    for client, data in [(client_for(cast.sup1), {"token": token}), (client_for(cast.sales1), {"token": token + "x"})]:
        assert client.post(reverse("transfers:contact-import-confirm"), {**data, "action": "import"}).status_code == 404
    assert not Contact.objects.exists()
