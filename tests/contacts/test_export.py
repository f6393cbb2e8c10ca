"""Contacts travel with their customers in the export: one cell per customer, neutralised; an
export re-imported ignores that column."""

import pytest
from django.urls import reverse

from contacts import services
from tests.contacts.conftest import add_contact
from tests.transfers.importexport_helpers import body, export, read_xlsx

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
