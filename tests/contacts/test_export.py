"""Contacts travel with their customers in the export (one cell per customer, neutralised), and
an imported customer whose phone is a colleague's contact's is labelled a duplicate (撞单)."""

import pytest
from django.urls import reverse

from contacts import services
from tests.contacts.conftest import add_contact
from tests.transfers.importexport_helpers import body, export, read_xlsx, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
EXPORT = reverse("transfers:customer-export")


def test_the_export_carries_each_customers_contacts(cast, client_for, book):
    add_contact(book.own, name="贾会计", title="财务", landline="021-5555 6666")
    removed = add_contact(book.own, name="已离职", wechat="gone")
    services.contact_remove(contact=removed, by=cast.sales1)
    rows = read_xlsx(body(export(client_for(cast.sales1), EXPORT, HTTP_ACCEPT_LANGUAGE="zh-hans")))
    assert rows[0][-1] == "联系人（姓名、职务、电话）"
    assert rows[1][-1] == "欧阳采购 · 139 1111 2222; 贾会计 · 财务 · 021-5555 6666"  # primary first; removed left out


def test_a_contact_cell_is_neutralised(cast, client_for, book):
    add_contact(book.own, name="=HYPERLINK(1)", title="x", wechat="w")
    services.contact_edit(contact=book.own_contact, data={"is_primary": False}, by=cast.sales1)
    rows = read_xlsx(body(export(client_for(cast.sales1), EXPORT)))
    assert rows[1][-1].startswith("'=HYPERLINK(1)")


def test_an_imported_customer_with_a_colleagues_contact_phone_is_a_duplicate(cast, client_for, book):
    content = xlsx_bytes([["客户名称", "公司", "电话"], ["新来的", "新公司", "139-3333-4444"], ["真新", "", "13012345678"]])
    _response, job = upload(client_for(cast.sales1), content)
    assert job.counts["colleague"] == 1 and job.counts["new"] == 1
    page = client_for(cast.sales1).get(job.get_absolute_url()).content.decode()
    assert "A customer with the same phone number is already held by 李四, Group B" in page
