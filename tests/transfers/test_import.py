"""Customer import (SPEC §1.C): preview, duplicates, all-or-nothing, error workbook, ownership."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from crm.models import Custody, Customer
from tests.transfers.importexport_helpers import (  # noqa: F401
    body,
    confirm,
    csv_bytes,
    private_files,
    read_xlsx,
    upload,
    xlsx_bytes,
)
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db

CHINESE_HEADERS = ["客户名称", "公司", "电话", "客户类型", "等级", "性别", "下次联系日期"]


def test_salesperson_can_import_an_xlsx_after_previewing_every_row(cast, client_for):
    client = client_for(cast.sales1)
    content = xlsx_bytes([
        CHINESE_HEADERS,
        ["陈小明", "广州天成实业", "13512345678", "准客户", "VIP", "男", "2026-12-01"],
        ["周丽", "成都联创网络", "021-6666 8888", "意向客户", "普通", "女", None],
    ])
    response, job = upload(client, content)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.PREVIEW
    assert not Customer.objects.exists()  # nothing lands before the confirmation

    preview = client.get(job.get_absolute_url()).content.decode()
    assert "陈小明" in preview and "周丽" in preview
    assert preview.count("New customer") >= 2

    confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    chen = Customer.objects.get(name="陈小明")
    assert (chen.owner, chen.company, chen.type, chen.grade, chen.gender) == (cast.sales1, "广州天成实业", "prospect", "vip", "male")
    assert str(chen.next_contact_on) == "2026-12-01"
    assert chen.number.startswith("KH")
    zhou = Customer.objects.get(name="周丽")
    assert zhou.next_contact_on is not None  # the grade's cadence, as for a customer added by hand
    assert Custody.objects.filter(reason=Custody.Reason.IMPORTED, to_owner=cast.sales1, actor=cast.sales1).count() == 2
    event = AuditEvent.objects.get(action="customers.import")
    assert (event.actor, event.count) == (cast.sales1, 2)


def test_it_reads_a_gbk_csv_without_garbling_chinese(cast, client_for):
    client = client_for(cast.sales1)
    content = csv_bytes([["客户名称", "公司", "地址"], ["欧阳娜娜", "深圳鑫源电子有限公司", "深圳市南山区科技路8号"]], encoding="gbk")
    _response, job = upload(client, content, name="客户.csv")
    confirm(client, job)
    customer = Customer.objects.get()
    assert (customer.name, customer.company, customer.address) == ("欧阳娜娜", "深圳鑫源电子有限公司", "深圳市南山区科技路8号")


def test_it_reads_a_gb18030_csv_with_rare_characters(cast, client_for):
    client = client_for(cast.sales1)
    content = csv_bytes([["客户名称", "公司"], ["䶮先生", "北京"]], encoding="gb18030")
    _response, job = upload(client, content, name="客户.csv")
    confirm(client, job)
    assert Customer.objects.get().name == "䶮先生"


def test_it_reads_english_headers_and_a_utf8_bom_csv(cast, client_for):
    client = client_for(cast.sales1)
    content = b"\xef\xbb\xbf" + csv_bytes([["Name", "Company", "Phone", "Type"], ["王伟", "杭州博远", "13900007777", "Prospect"]])
    _response, job = upload(client, content, name="customers.csv")
    confirm(client, job)
    customer = Customer.objects.get()
    assert (customer.name, customer.company, customer.phone, customer.type) == ("王伟", "杭州博远", "13900007777", "prospect")


def test_it_labels_every_row_new_duplicate_or_invalid(cast, client_for, customers):
    client = client_for(cast.sales1)
    content = xlsx_bytes([
        ["客户名称", "公司", "电话", "客户类型"],
        ["新客户", "新公司", "13012345678", ""],
        ["李华二", "", "+86 138 0013 8000", ""],  # phone of sales1's own customer
        ["王芳", "杭州宏达贸易", "", ""],  # name and company of sales1b's customer
        ["某人", "", "13600003333", ""],  # phone of a pool customer
        ["", "没有名字", "abc", "大客户"],
    ])
    _response, job = upload(client, content)
    assert job.counts == {"new": 1, "mine": 1, "colleague": 1, "pool": 1, "invalid": 1}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "is already one of your customers" in page and customers.own.number in page
    assert "is already held by 赵六, Group A" in page
    assert customers.same_group.phone not in page  # the colleague's customer: owner named, nothing else
    assert "isolation pool" in page
    assert "1 row is invalid: it will not be imported" in page
    invalid = client.get(job.get_absolute_url(), {"label": "invalid"}).content.decode()
    assert "The name is required." in invalid
    assert "A phone number may contain only digits" in invalid
    assert "“大客户” is not one of" in invalid
    assert 'class="import-new"' not in invalid and 'class="import-invalid"' in invalid


def test_it_treats_a_repeated_row_of_the_file_as_invalid(cast, client_for):
    client = client_for(cast.sales1)
    content = xlsx_bytes([["Name", "Phone"], ["甲", "13011112222"], ["乙", "130-1111-2222"]])
    _response, job = upload(client, content)
    assert job.counts["new"] == 1 and job.counts["invalid"] == 1
    assert "Repeats row 2 of this file." in client.get(job.get_absolute_url(), {"label": "invalid"}).content.decode()


def test_it_imports_nothing_when_one_row_is_invalid(cast, client_for):
    client = client_for(cast.sales1)
    content = xlsx_bytes([["Name", "Phone", "Next contact date"], ["甲", "13011112222", ""], ["乙", "13011113333", "明天"], ["丙", "", ""]])
    _response, job = upload(client, content)
    confirm(client, job, all_or_nothing=True)
    assert job.status == ImportJob.Status.FAILED
    assert not Customer.objects.exists() and not Custody.objects.exists()
    assert "Row 3" in job.message and "“明天” is not a date" in job.message
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported" in page
    rows = read_xlsx(body(client.get(reverse("transfers:customer-import-errors", args=[job.pk]))))
    assert rows[0] == ["Name", "Phone", "Next contact date", "Row", "Reason"]
    assert rows[1][:4] == ["乙", "13011113333", "明天", 3] and "is not a date" in rows[1][4]
    assert len(rows) == 2


def test_it_imports_the_valid_rows_and_returns_the_rejected_ones_when_asked(cast, client_for, customers):
    client = client_for(cast.sales1)
    content = xlsx_bytes([
        ["客户名称", "电话", "等级"],
        ["甲", "13011112222", "VIP"],
        ["乙", "12", "普通"],
        ["冒名", "13700002222", ""],  # sales2's customer: never imported
    ])
    _response, job = upload(client, content)
    confirm(client, job, all_or_nothing=False)
    assert job.status == ImportJob.Status.DONE and (job.created_count, job.rejected_count) == (1, 2)
    assert set(Customer.objects.filter(owner=cast.sales1).values_list("name", flat=True)) == {"甲", customers.own.name}
    errors = body(client.get(reverse("transfers:customer-import-errors", args=[job.pk])))
    rows = read_xlsx(errors)
    assert [row[:2] for row in rows[1:]] == [["乙", "12"], ["冒名", "13700002222"]]
    assert "A mobile number has 11 digits" in rows[1][4] and "李四" in rows[2][4]

    # Fixed and uploaded again, the error workbook imports: its Row and Reason columns are ignored.
    fixed = xlsx_bytes([rows[0], ["乙", "13011119999", "普通", 3, "fixed"]])
    _response, again = upload(client, fixed)
    confirm(client, again)
    assert Customer.objects.filter(name="乙", phone="13011119999", owner=cast.sales1).exists()


def test_salesperson_can_update_their_own_customers_from_a_file(cast, client_for, customers):
    client = client_for(cast.sales1)
    content = xlsx_bytes([["客户名称", "电话", "等级", "公司"], ["李华", "13800138000", "VIP", ""]])
    _response, job = upload(client, content)
    assert job.counts["mine"] == 1
    confirm(client, job, on_duplicate="update")
    customers.own.refresh_from_db()
    assert job.updated_count == 1 and customers.own.grade == "vip"
    assert customers.own.company == "上海华为科技有限公司"  # an empty cell keeps what was there
    assert customers.own.changes.filter(field="grade", new_value="vip", by=cast.sales1).exists()


def test_skipped_duplicates_of_my_customers_are_left_alone(cast, client_for, customers):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["Name", "Phone", "Grade"], ["李华", "13800138000", "VIP"]]))
    confirm(client, job, on_duplicate="skip")
    customers.own.refresh_from_db()
    assert customers.own.grade == "normal" and job.created_count == 0 and job.rejected_count == 1


def test_supervisor_can_import_for_a_salesperson_of_their_group(cast, client_for):
    client = client_for(cast.sup1)
    _response, job = upload(client, xlsx_bytes([["Name"], ["给组员的客户"]]), owner=cast.sales1b.pk)
    confirm(client, job)
    customer = Customer.objects.get()
    assert customer.owner == cast.sales1b and customer.created_by == cast.sup1
    assert Custody.objects.get(customer=customer).to_owner == cast.sales1b


def test_supervisor_cannot_import_for_another_group(cast, client_for):
    response, job = upload(client_for(cast.sup1), xlsx_bytes([["Name"], ["甲"]]), owner=cast.sales2.pk)
    assert response.status_code == 200 and job is None


def test_salesperson_cannot_import_for_someone_else(cast, client_for):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["Name"], ["甲"]]), owner=cast.sales1b.pk, to_pool="on")
    confirm(client, job)
    assert Customer.objects.get().owner == cast.sales1


def test_admin_can_import_into_the_pool(cast, client_for):
    client = client_for(cast.admin)
    _response, job = upload(client, xlsx_bytes([["Name"], ["公海客户"]]), to_pool="on")
    confirm(client, job)
    customer = Customer.objects.get()
    assert customer.owner is None and customer.pooled_at is not None
    custody = Custody.objects.get(customer=customer)
    assert (custody.reason, custody.to_owner, custody.actor) == (Custody.Reason.IMPORTED, None, cast.admin)


def test_admin_can_import_for_anyone(cast, client_for):
    client = client_for(cast.admin)
    _response, job = upload(client, xlsx_bytes([["Name"], ["甲"]]), owner=cast.sales2.pk)
    confirm(client, job)
    assert Customer.objects.get().owner == cast.sales2


def test_it_offers_a_template_with_headers_in_both_languages(cast, client_for):
    client = client_for(cast.sales1)
    response = client.get(reverse("transfers:customer-import-template"))
    rows = read_xlsx(body(response))
    assert "客户名称 / Name" in rows[0] and "电话 / Phone" in rows[0]
    _response, job = upload(client, body(response), name="template.xlsx")
    confirm(client, job)
    assert Customer.objects.get().name == rows[1][0]


def test_the_status_partial_reports_progress(cast, client_for):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["Name"], ["甲"]]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, total_rows=4, processed_rows=1)
    response = client.get(reverse("transfers:customer-import-status", args=[job.pk]))
    assert b'value="25"' in response.content and b"hx-get" in response.content
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    assert client.get(reverse("transfers:customer-import-status", args=[job.pk]))["HX-Refresh"] == "true"


def test_colleagues_cannot_see_my_import(cast, client_for):
    _response, job = upload(client_for(cast.sales1), xlsx_bytes([["Name"], ["甲"]]))
    for user in (cast.sales1b, cast.sup1, cast.admin):
        assert client_for(user).get(job.get_absolute_url()).status_code == 404


def test_it_speaks_chinese_to_a_chinese_browser(cast, client_for, customers):
    client = client_for(cast.sales1)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = client.get(reverse("transfers:customer-import")).content.decode()
    assert "导入客户" in page and "下载模板" in page
    content = xlsx_bytes([["客户名称", "电话"], ["新人", "13012345678"], ["李华", "13800138000"], ["", "1"]])
    _response, job = upload(client, content)
    preview = client.get(job.get_absolute_url()).content.decode()
    assert "新客户" in preview and "与您的客户重复" in preview and "客户名称必填。" in preview
    assert "已经是您的客户" in preview  # crm.services.duplicate_message, in the importer's language


def test_a_row_the_database_refuses_rolls_back_every_row_and_is_named(cast, client_for, monkeypatch):
    from dataclasses import replace

    from transfers import columns as spreadsheet

    # Let a too-long name past the cell checks, so that PostgreSQL itself refuses the third row.
    monkeypatch.setitem(spreadsheet.COLUMNS_BY_FIELD, "name", replace(spreadsheet.COLUMNS_BY_FIELD["name"], max_length=None))
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["Name"], ["甲"], ["乙"], ["长" * 150], ["丁"]]))
    confirm(client, job)
    assert job.status == ImportJob.Status.FAILED and not Customer.objects.exists()
    assert "row 4 was refused" in job.message and "too long" in job.message
    rows = read_xlsx(body(client.get(reverse("transfers:customer-import-errors", args=[job.pk]))))
    assert [row[1] for row in rows[1:]] == [4]


def test_a_large_import_refreshes_the_statistics_of_the_tables_it_filled(cast, client_for, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from transfers import services as import_services

    client = client_for(cast.sales1)
    _response, job = upload(client, csv_bytes([["客户名称"], ["甲"], ["乙"]]), name="a.csv")
    monkeypatch.setattr(import_services, "ANALYZE_AFTER_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        confirm(client, job, all_or_nothing=False)
    assert job.created_count == 2
    analysed = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("ANALYZE")]
    assert analysed == ['ANALYZE "crm_customer"', 'ANALYZE "crm_custody"']
    _response, small = upload(client, csv_bytes([["客户名称"], ["丙"]]), name="b.csv")
    with CaptureQueriesContext(connection) as queries:
        confirm(client, small, all_or_nothing=False)
    assert not any(query["sql"].startswith("ANALYZE") for query in queries.captured_queries)
