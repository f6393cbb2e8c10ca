"""Contacts in the customer import (issue 25): a second sheet "联系人" / "Contacts", imported with
the customers in one transaction, phones checked as 撞单."""

import io

import openpyxl
import pytest

from contacts.models import Contact
from crm.models import Customer
from tests.transfers.importexport_helpers import confirm, private_files, upload  # noqa: F401
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db

CUSTOMERS = [["客户名称", "公司", "电话"],
             ["华信科技", "上海华信科技有限公司", "13512345678"],
             ["宏达贸易", "广州宏达贸易", "13612345678"]]
CONTACT_HEADERS = ["客户名称", "联系人姓名", "职务", "手机", "主要联系人"]


def workbook(customers, contacts, sheet="联系人") -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "客户"
    for row in customers:
        first.append(row)
    second = book.create_sheet(sheet)
    for row in contacts:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(client, content, **options):
    _response, job = upload(client, content)
    assert job.status == ImportJob.Status.PREVIEW, job.message
    confirm(client, job, **options)
    return job


def test_the_contacts_sheet_adds_each_customers_contacts(cast, client_for):
    client = client_for(cast.sales1)
    content = workbook(CUSTOMERS, [CONTACT_HEADERS,
                                   ["华信科技", "李采购", "采购经理", "13900000001", "是"],
                                   ["华信科技", "王财务", "财务", "13900000002", ""],
                                   ["宏达贸易", "赵总", "总经理", "13900000003", "是"]])
    _response, job = upload(client, content)
    assert "contacts sheet" in client.get(job.get_absolute_url()).content.decode()
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 2, job.message
    assert "3" in job.message
    huaxin = Customer.objects.get(name="华信科技")
    assert sorted(huaxin.contacts.values_list("name", flat=True)) == ["李采购", "王财务"]
    assert Contact.objects.get(name="李采购").is_primary
    assert Contact.objects.get(name="赵总").customer.name == "宏达贸易"
    # The same file again: its customers are the importer's own now, and no contact is added twice.
    job = _import(client, content)
    assert job.status == ImportJob.Status.DONE and job.created_count == 0
    assert Contact.objects.count() == 3


def test_a_contact_phone_held_by_a_colleagues_customer_refuses_the_whole_file(cast, client_for):
    Customer.objects.create(name="别人的客户", phone="13900000009", owner=cast.sales2)
    client = client_for(cast.sales1)
    job = _import(client, workbook(CUSTOMERS, [CONTACT_HEADERS, ["华信科技", "李采购", "", "13900000009", ""]]),
                  all_or_nothing=False)
    assert job.status == ImportJob.Status.FAILED
    assert "row 2" in job.message and cast.sales2.display_name in job.message
    assert not Customer.objects.filter(name__in=["华信科技", "宏达贸易"]).exists()  # all or nothing
    assert not Contact.objects.exists()


def test_two_customers_of_the_file_sharing_a_contact_phone_are_refused(cast, client_for):
    job = _import(client_for(cast.sales1), workbook(CUSTOMERS, [
        CONTACT_HEADERS, ["华信科技", "甲", "", "13900000001", ""], ["宏达贸易", "乙", "", "13900000001", ""]]))
    assert job.status == ImportJob.Status.FAILED and "row 3" in job.message
    assert not Customer.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize(("row", "words"), [
    (["不存在的客户", "甲", "", "", ""], ["不存在的客户"]),
    (["华信科技", "", "", "", ""], ["name"]),
    (["华信科技", "甲", "", "123", ""], ["Mobile"]),
    (["华信科技", "甲", "", "", "也许"], ["Primary"]),
    (["华信科技", "甲" * 100_000, "", "", ""], ["50"]),
])
def test_a_bad_contact_row_refuses_the_file_naming_the_row(cast, client_for, row, words):
    job = _import(client_for(cast.sales1), workbook(CUSTOMERS, [CONTACT_HEADERS, row]))
    assert job.status == ImportJob.Status.FAILED and "contacts sheet" in job.message and "row 2" in job.message
    for word in words:
        assert word in job.message
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_a_workbook_without_a_contacts_sheet_imports_as_before(cast, client_for):
    job = _import(client_for(cast.sales1), workbook(CUSTOMERS, [["whatever"], ["x"]], sheet="备注"))
    assert job.status == ImportJob.Status.DONE and job.created_count == 2 and not Contact.objects.exists()


def test_the_preview_counts_the_contacts_and_names_the_refused_rows(cast, client_for):
    Customer.objects.create(name="别人的客户", phone="13900000009", owner=cast.sales2)
    client = client_for(cast.sales1)
    _response, job = upload(client, workbook(CUSTOMERS, [CONTACT_HEADERS,
                                                         ["华信科技", "李采购", "", "13900000001", ""],
                                                         ["宏达贸易", "赵总", "", "13900000009", ""],
                                                         ["无此客户", "钱", "", "", ""]]))
    assert (job.counts["contacts"], job.counts["contacts_refused"]) == (1, 2)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Contacts to add: 1; refused: 2." in page
    assert "row 3" in page and "row 4" in page and "无此客户" in page
    assert not Contact.objects.exists()  # the preview writes nothing
