"""The import's column-mapping step (issue 20, "The import a real sales team sends"): headers
people actually type are recognised, any column can be corrected or ignored, the choice can be
kept under a name and is reused; the preview shows every mapped column and pages."""

import pytest
from django.urls import reverse

from crm.models import Customer
from tests.transfers.importexport_helpers import confirm, csv_bytes, private_files, upload, xlsx_bytes  # noqa: F401
from transfers import columns as spreadsheet
from transfers.models import ColumnMapping, ImportJob, ImportRow

pytestmark = pytest.mark.django_db

HEADERS_PEOPLE_TYPE = {
    "phone": ["手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "移动电话", "座机", "mobile", "Tel", "Phone",
              "手机号码（必填）", "客户手机号码", "联系人电话", "Mobile Phone", "Telephone"],
    "name": ["客户名称", "姓名", "联系人", "客户姓名", "Name", "Customer name", "Contact"],
    "company": ["公司", "单位", "公司名称", "单位名称", "Company", "Company name", "Organisation"],
    "address": ["地址", "联系地址", "详细地址", "Address"],
    "job_title": ["职务", "职位", "Job title", "Title", "Position"],
    "industry": ["行业", "所属行业", "Industry"],
    "source": ["来源", "客户来源", "Source", "Lead source"],
    "type": ["类型", "客户类型", "Type", "Customer type"],
    "grade": ["等级", "客户等级", "Grade", "Level"],
    "gender": ["性别", "Gender", "Sex"],
    "notes": ["备注", "洽谈记录", "沟通记录", "Notes", "Remarks", "Comments"],
    "next_contact_on": ["下次联系日期", "下次跟进", "Next contact date"],
}


@pytest.mark.parametrize("field, header", [(field, header) for field, headers in HEADERS_PEOPLE_TYPE.items()
                                           for header in headers])
def test_it_recognises_the_headers_people_type(field, header):
    assert spreadsheet.guess_columns([header]) == [field]


def test_each_field_is_guessed_once_and_unknown_columns_are_ignored():
    assert spreadsheet.guess_columns(["手机", "座机", "微信", "客户名称", "Customer number", "销售员"]) == \
        ["phone", "", "", "name", "", ""]


def _sheet():
    return xlsx_bytes([
        ["客户名称", "手机号码", "单位", "微信号", "客户等级"],
        ["周杰", "13912345678", "台北音乐公司", "zj_wx", "VIP"],
        ["林俊", "1381234", "新加坡唱片", "lj_wx", "普通"],
    ])


def test_the_preview_shows_every_mapped_column_and_its_per_page_choice_works(cast, client_for):
    client = client_for(cast.sales1)
    _response, job = upload(client, _sheet())
    assert job.columns == ["name", "phone", "company", "", "grade"]
    page = client.get(job.get_absolute_url()).content.decode()
    for label in ("Name", "Phone", "Company", "Grade"):
        assert f'<th class="text-nowrap">{label}</th>' in page
    assert "台北音乐公司" in page and "zj_wx" not in page.split("import-rows")[1]  # the ignored column is not shown
    assert '<option value="10"' in page and '<option value="100"' in page
    assert "1381234" in page and "A mobile number has 11 digits" in page
    one_a_page = client.get(job.get_absolute_url(), {"per_page": 10})
    assert one_a_page.context["page_obj"].paginator.per_page == 10


def test_the_preview_pages_through_many_rows(cast, client_for):
    client = client_for(cast.sales1)
    rows = [["客户名称", "手机号码"]] + [[f"客户{n}", f"139{n:08d}"] for n in range(120)]
    _response, job = upload(client, csv_bytes(rows), name="many.csv")
    first = client.get(job.get_absolute_url(), {"per_page": 50})
    page = first.context["page_obj"]
    assert [row.number for row in page][:2] == [2, 3] and len(page.object_list) == 50 and page.has_next()
    third = client.get(job.get_absolute_url(), {"per_page": 50, "page": 3}).context["page_obj"]
    assert [row.number for row in third] == list(range(102, 122))


def test_salesperson_corrects_a_column_saves_the_mapping_and_it_applies_to_the_next_file(cast, client_for):
    client = client_for(cast.sales1)
    _response, job = upload(client, _sheet())
    response = client.post(reverse("transfers:customer-import-columns", args=[job.pk]), {
        "col0": "name", "col1": "phone", "col2": "company", "col3": "job_title", "col4": "grade", "save_as": "展会名单"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.columns[3] == "job_title"
    assert ImportRow.objects.get(job=job, number=2).cells == ["周杰", "13912345678", "台北音乐公司", "zj_wx", "VIP"]
    mapping = ColumnMapping.objects.get(owner=cast.sales1, name="展会名单")
    assert mapping.columns["微信号"] == "job_title"

    confirm(client, job, all_or_nothing=False)
    assert Customer.objects.get(name="周杰").job_title == "zj_wx"

    _response, again = upload(client, _sheet())
    assert again.columns == ["name", "phone", "company", "job_title", "grade"]  # the saved choice, by itself


def test_a_saved_mapping_can_be_picked_for_a_file_with_other_headers(cast, client_for):
    client = client_for(cast.sales1)
    mapping = ColumnMapping.objects.create(owner=cast.sales1, name="微信", columns={"微信号": "notes"})
    _response, job = upload(client, _sheet())
    assert job.columns[3] == ""  # the mapping does not know every header: not applied by itself
    client.post(reverse("transfers:customer-import-columns", args=[job.pk]), {"mapping": mapping.pk})
    job.refresh_from_db()
    assert job.columns == ["name", "phone", "company", "notes", "grade"]


@pytest.mark.parametrize("columns, message", [
    ({"col0": "name", "col1": "phone", "col2": "phone"}, "Two columns go to “Phone”"),
    ({"col0": "", "col1": "phone"}, "Choose the column that holds the customers' names."),
    ({"col0": "name", "col1": "owner"}, "Select a valid choice"),
    ({"col0": "name", "col1": "number"}, "Select a valid choice"),
])
def test_a_bad_mapping_is_refused_and_changes_nothing(cast, client_for, columns, message):
    client = client_for(cast.sales1)
    _response, job = upload(client, _sheet())
    before = list(ImportRow.objects.filter(job=job).values_list("number", "label", "cells"))
    response = client.post(reverse("transfers:customer-import-columns", args=[job.pk]), {**columns, "save_as": "坏的"})
    assert response.status_code == 200 and message in str(response.context["columns_form"].errors.as_data())
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    job.refresh_from_db()
    assert job.columns == ["name", "phone", "company", "", "grade"] and job.status == ImportJob.Status.PREVIEW
    assert list(ImportRow.objects.filter(job=job).values_list("number", "label", "cells")) == before
    assert not ColumnMapping.objects.exists()


def test_nobody_else_can_use_or_delete_my_saved_mapping_or_remap_my_import(cast, client_for):
    mine = ColumnMapping.objects.create(owner=cast.sales1, name="我的", columns={"客户名称": "name"})
    _response, job = upload(client_for(cast.sales1), _sheet())
    for other in (cast.sales1b, cast.sup1, cast.admin):
        client = client_for(other)
        assert client.post(reverse("transfers:column-mapping-delete", args=[mine.pk])).status_code == 404
        assert client.post(reverse("transfers:customer-import-columns", args=[job.pk]), {"col0": "name"}).status_code == 404
        assert client.get(job.get_absolute_url()).status_code == 404
        # Their own import cannot borrow my mapping either: an unknown choice, not a 404 that confirms it exists.
        _response, theirs = upload(client, _sheet())
        response = client.post(reverse("transfers:customer-import-columns", args=[theirs.pk]), {"mapping": mine.pk})
        assert response.status_code == 200 and "Select a valid choice" in str(response.context["mapping_form"].errors.as_data())
        assert "is-invalid" in response.content.decode()
    assert ColumnMapping.objects.filter(pk=mine.pk).exists()
    client_for(cast.sales1).post(reverse("transfers:column-mapping-delete", args=[mine.pk]))
    assert not ColumnMapping.objects.filter(pk=mine.pk).exists()


def test_a_formula_in_the_sheet_is_never_run_and_its_text_stays_text(cast, client_for):
    client = client_for(cast.sales1)
    content = xlsx_bytes([["客户名称", "备注"], ["公式甲", "=HYPERLINK(\"http://evil.example\",\"x\")"], ["公式乙", "'=1+1"]])
    _response, job = upload(client, content)
    confirm(client, job, all_or_nothing=False)
    assert Customer.objects.get(name="公式甲").notes == ""  # a formula cell: only its (absent) result is read
    assert Customer.objects.get(name="公式乙").notes == "=1+1"  # an exported, neutralised text reads back as it was
