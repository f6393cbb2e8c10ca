"""Journey (issue 20): a salesperson imports the sheet a real sales team sends, with the headers
people actually type, corrects one column, keeps the columns for next time, imports the valid
rows and downloads the others with their reasons. Desktop and phone, English and Chinese."""

import io

import openpyxl
import pytest
from django.urls import reverse

from crm.models import Customer
from tests.e2e.steps import submit
from transfers.models import ColumnMapping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["客户名称", "手机号码", "公司名称", "客户类型", "客户等级", "备注", "职务说明"]
ROWS = [
    ["陈明", "138 1234 5678", "上海天成贸易有限公司", "意向客户", "VIP", "展会上认识，想要样品", "采购经理"],
    ["王丽", "1381234", "杭州博远科技", "准客户", "普通", "", "总监"],
    ["赵强", "021-6666 8888 转 123", "北京中科实业", "暂停客户", "普通", "老客户介绍", "总经理"],
]


def _workbook(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户名单"
    for row in [HEADERS, *ROWS]:
        sheet.append(row)
    workbook.save(path)


def _upload(me, page, path):
    me.go(reverse("transfers:customer-import"))
    page.set_input_files("#id_file", str(path))
    submit(page)


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("desktop", "zh-hans"), ("phone", "en"), ("phone", "zh-hans")])
def test_salesperson_maps_the_columns_imports_the_valid_rows_and_gets_the_rest_back(cast, journey, tmp_path, device,
                                                                                    language):
    path = tmp_path / "客户名单.xlsx"
    _workbook(path)
    me = journey("9-import", user=cast.sales1, device=device, language=language, allowed=["VIP", "xlsx", "GBK", "ext"])
    page = me.go(reverse("transfers:customer-import"))
    me.shot("upload")
    _upload(me, page, path)
    me.shot("preview-guessed")

    # Guessed from the headers: 手机号码 is the phone; 职务说明 ends like 说明 (notes), taken by 备注.
    assert page.locator("#id_col1").input_value() == "phone"
    assert page.locator("#id_col6").input_value() == ""
    assert page.locator(".import-rows tbody tr").count() == 3
    assert not page.is_checked("#id_all_or_nothing")  # the valid rows go in unless asked otherwise
    assert page.locator("#per-page option").count() == 4

    page.select_option("#id_col6", "job_title")  # the one correction
    page.fill("#id_save_as", "展会名单")
    submit(page, "form[action$='/columns/']")
    me.shot("preview-corrected")
    header = page.locator(".import-rows thead").inner_text()
    assert ("职务" if language == "zh-hans" else "Job title") in header
    assert page.locator("#id_col6").input_value() == "job_title"
    invalid = page.locator(".import-rows tr.import-invalid").inner_text()
    assert "1381234" in invalid and ("手机号码为 11 位" if language == "zh-hans" else "A mobile number has 11 digits") in invalid
    assert page.locator(".import-rows tr.import-new").count() == 2

    submit(page, "form[action$='/confirm/']")
    me.shot("imported")
    chen = Customer.objects.get(name="陈明")
    assert (chen.owner, chen.phone, chen.company, chen.job_title, chen.type, chen.grade, chen.notes) == (
        cast.sales1, "138 1234 5678", "上海天成贸易有限公司", "采购经理", "intention", "vip", "展会上认识，想要样品")
    assert Customer.objects.get(name="赵强").job_title == "总经理"
    assert not Customer.objects.filter(name="王丽").exists()

    with page.expect_download() as download:
        page.locator("a[href$='/errors/']").click()
    rejected = list(openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
                    .worksheets[0].iter_rows(values_only=True))
    assert rejected[1][:2] == ("王丽", "1381234") and rejected[1][7] == 3
    assert ("手机号码为 11 位" if language == "zh-hans" else "A mobile number has 11 digits") in rejected[1][8]

    # The next file with the same headers uses the saved columns by itself.
    assert ColumnMapping.objects.filter(owner=cast.sales1, name="展会名单").exists()
    Customer.objects.all().delete()
    _upload(me, page, path)
    assert page.locator("#id_col6").input_value() == "job_title"
    me.shot("preview-saved-columns")
    me.go(reverse("transfers:customer-import"))
    assert "展会名单" in page.locator("main").inner_text()
    me.shot("upload-saved-columns")
