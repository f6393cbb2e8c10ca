"""Custom fields as targets of the customer import (issue 23): mapping, kinds, required, unique."""

import pytest
from django.urls import reverse

from crm.models import Customer, CustomerChange
from customfields.models import FieldDefinition
from tests.customfields.helpers import INDUSTRY_CHOICES, define
from tests.transfers.importexport_helpers import confirm, csv_bytes, private_files, upload, xlsx_bytes  # noqa: F401
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db
Kind = FieldDefinition.Kind
Access = FieldDefinition.Access


@pytest.fixture
def fields(db):
    return {
        "wechat": define("wechat", label_zh_hans="微信号", label_en="WeChat ID", unique=True),
        "budget": define("budget", Kind.MONEY, label_zh_hans="预算", label_en="Budget"),
        "since": define("since", Kind.DATE, label_zh_hans="合作日期", label_en="Partner since"),
        "trade": define("trade", Kind.CHOICE, label_zh_hans="业态", label_en="Trade", choices=INDUSTRY_CHOICES),
        "vip": define("vip", Kind.BOOLEAN, label_zh_hans="重点", label_en="Key"),
        "helper": define("helper", Kind.PERSON, label_zh_hans="协助人", label_en="Helper"),
        "secret": define("secret", label_zh_hans="底价", label_en="Floor price", edit=Access.ADMINS),
    }


def _import(client, rows, *, all_or_nothing=True, on_duplicate="skip"):
    _response, job = upload(client, xlsx_bytes(rows))
    assert job.status == ImportJob.Status.PREVIEW, job.message
    confirm(client, job, all_or_nothing=all_or_nothing, on_duplicate=on_duplicate)
    return job


def test_custom_columns_are_mapped_by_label_read_by_kind_and_stored(cast, client_for, fields):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([
        ["客户名称", "电话", "微信号", "Budget", "合作日期", "业态", "重点", "协助人"],
        ["陈小明", "13512345678", "chen_wx", "12,000.5", "2026-03-01", "零售", "是", cast.sales2.username],
    ]))
    assert job.columns == ["name", "phone", "cf_wechat", "cf_budget", "cf_since", "cf_trade", "cf_vip", "cf_helper"]
    preview = client.get(job.get_absolute_url()).content.decode()
    assert "微信号" in preview and "chen_wx" in preview  # the preview shows the custom columns
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 1, job.message
    assert Customer.objects.get().custom == {
        "wechat": "chen_wx", "budget": "12000.50", "since": "2026-03-01", "trade": "retail", "vip": True,
        "helper": cast.sales2.pk}


def test_a_field_the_importer_may_not_edit_is_not_a_target(cast, client_for, fields):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["客户名称", "底价"], ["陈小明", "100"]]))
    assert job.columns == ["name", ""]
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'value="cf_secret"' not in page and 'value="cf_wechat"' in page
    # Posting it as a mapping anyway is refused, and nothing is stored.
    response = client.post(reverse("transfers:customer-import-columns", args=[job.pk]),
                           {"col0": "name", "col1": "cf_secret"})
    job.refresh_from_db()
    assert "cf_secret" not in job.columns
    assert response.status_code in (200, 400)
    confirm(client, job)
    assert Customer.objects.get().custom == {}


def test_an_admin_may_import_the_admins_only_field(cast, client_for, fields):
    job = _import(client_for(cast.admin), [["客户名称", "底价"], ["陈小明", "100"]])
    assert job.created_count == 1 and Customer.objects.get().custom == {"secret": "100"}


@pytest.mark.parametrize(("header", "cell", "words"), [
    ("预算", "很多", ["Budget", "number"]),
    ("合作日期", "上个月", ["Partner since", "date"]),
    ("业态", "批发", ["Trade", "批发"]),
    ("重点", "也许", ["Key", "yes or no"]),
    ("协助人", "不存在的人", ["Helper", "不存在的人"]),
    ("微信号", "x" * 100_000, ["WeChat ID", "5000"]),
])
def test_a_bad_custom_cell_refuses_the_row_naming_row_and_field(cast, client_for, fields, header, cell, words):
    client = client_for(cast.sales1)
    job = _import(client, [["客户名称", header], ["好客户", None], ["坏客户", cell]])
    assert job.status == ImportJob.Status.FAILED
    assert "Row 3" in job.message
    for word in words:
        assert word in job.message
    assert not Customer.objects.exists()  # all or nothing


def test_a_nul_byte_in_a_custom_cell_refuses_the_row(cast, client_for, fields):
    _response, job = upload(client_for(cast.sales1), csv_bytes([["客户名称", "微信号"], ["坏客户", "wx\x00id"]]),
                            name="customers.csv")
    confirm(client_for(cast.sales1), job)
    assert job.status == ImportJob.Status.FAILED and "WeChat ID" in job.message and "null" in job.message
    assert not Customer.objects.exists()


def test_a_required_custom_field_missing_or_empty_refuses_the_row(cast, client_for, fields):
    define("tax", label_zh_hans="税号", label_en="Tax number", required=True)
    client = client_for(cast.sales1)
    job = _import(client, [["客户名称", "税号"], ["有税号", "9131"], ["无税号", ""]], all_or_nothing=False)
    assert job.status == ImportJob.Status.DONE and job.created_count == 1 and job.rejected_count == 1
    assert Customer.objects.get().custom == {"tax": "9131"}
    # The column missing altogether: every row is refused.
    job = _import(client, [["客户名称"], ["又一个"]])
    assert job.status == ImportJob.Status.FAILED and "Tax number is required" in job.message
    assert Customer.objects.count() == 1


def test_a_required_field_the_importer_may_not_edit_does_not_block_them(cast, client_for, fields):
    define("audit", label_zh_hans="审核", label_en="Audit", required=True, edit=Access.ADMINS)
    job = _import(client_for(cast.sales1), [["客户名称"], ["普通客户"]])
    assert job.status == ImportJob.Status.DONE and job.created_count == 1


def test_a_unique_value_held_by_another_customer_is_refused_naming_the_field(cast, client_for, fields):
    Customer.objects.create(name="老客户", owner=cast.sales2, custom={"wechat": "taken"})
    client = client_for(cast.sales1)
    job = _import(client, [["客户名称", "微信号"], ["新客户", "taken"], ["另一个", "free"]], all_or_nothing=False)
    assert job.status == ImportJob.Status.DONE and job.created_count == 1 and job.rejected_count == 1
    assert set(Customer.objects.values_list("name", flat=True)) == {"老客户", "另一个"}
    _response, job2 = upload(client, xlsx_bytes([["客户名称", "微信号"], ["新客户", "taken"]]))
    preview = client.get(job2.get_absolute_url(), {"label": "invalid"}).content.decode()
    assert "WeChat ID" in preview or "微信号" in preview
    assert cast.sales2.display_name in preview  # who holds it, as the phone check says


def test_a_unique_value_repeated_within_the_file_is_refused(cast, client_for, fields):
    job = _import(client_for(cast.sales1), [["客户名称", "微信号"], ["甲", "same"], ["乙", "same"]])
    assert job.status == ImportJob.Status.FAILED
    assert "WeChat ID “same” repeats row 2" in job.message
    assert not Customer.objects.exists()


def test_reimporting_my_own_customer_with_its_unique_value_updates_it(cast, client_for, fields):
    client = client_for(cast.sales1)
    _import(client, [["客户名称", "电话", "微信号", "预算"], ["陈小明", "13512345678", "chen_wx", "100"]])
    job = _import(client, [["客户名称", "电话", "微信号", "预算"], ["陈小明", "13512345678", "chen_wx", "250"]],
                  on_duplicate="update")
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1
    customer = Customer.objects.get()
    assert customer.custom == {"wechat": "chen_wx", "budget": "250.00"}
    assert CustomerChange.objects.filter(customer=customer, field="custom.budget", new_value="250.00").exists()


def test_a_saved_mapping_keeps_a_custom_column(cast, client_for, fields):
    client = client_for(cast.sales1)
    _response, job = upload(client, xlsx_bytes([["客户名称", "WX"], ["甲", "a1"]]))
    assert job.columns == ["name", ""]
    client.post(reverse("transfers:customer-import-columns", args=[job.pk]),
                {"col0": "name", "col1": "cf_wechat", "save_as": "微信表"})
    _response, job = upload(client, xlsx_bytes([["客户名称", "WX"], ["乙", "b2"]]))
    assert job.columns == ["name", "cf_wechat"]


def test_in_chinese_the_refusals_name_the_field_in_chinese(cast, client_for, fields):
    Customer.objects.create(name="老客户", owner=cast.sales2, custom={"wechat": "taken"})
    define("tax", label_zh_hans="税号", label_en="Tax number", required=True)
    client = client_for(cast.sales1)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    _response, job = upload(client, xlsx_bytes([["客户名称", "微信号", "预算", "税号"],
                                                ["甲", "taken", "100", "1"], ["乙", "ok", "很多", "2"], ["丙", "ok2", "", ""]]))
    page = client.get(job.get_absolute_url(), {"label": "invalid"}).content.decode()
    assert "微信号 “taken” 已属于 李四（Group B）的客户" in page
    assert "预算" in page and "税号 为必填项" in page
    assert "导入" in client.get(reverse("transfers:customer-import")).content.decode()
    assert "联系人" in client.get(reverse("transfers:customer-import")).content.decode()


def test_a_unique_value_committed_while_the_file_was_read_is_withdrawn(cast, client_for, fields, monkeypatch):
    """A colleague saves 微信号 "late" after the rows were checked: the final check under the
    customer-keys lock takes the staged customer out again, as for a phone."""
    from transfers import custom_import

    def colleague_saves_meanwhile(self, rows, **kwargs):
        Customer.objects.get_or_create(name="同事的客户", owner=cast.sales2, custom={"wechat": "late"})

    monkeypatch.setattr(custom_import.UniqueCheck, "check", colleague_saves_meanwhile)
    job = _import(client_for(cast.sales1), [["客户名称", "微信号"], ["迟到", "late"], ["准时", "early"]],
                  all_or_nothing=False)
    assert job.status == ImportJob.Status.DONE and job.created_count == 1 and job.rejected_count == 1
    assert not Customer.objects.filter(name="迟到").exists()
    assert Customer.objects.get(name="准时").custom == {"wechat": "early"}


def test_the_template_has_the_importers_custom_columns_and_reads_back(cast, client_for, fields):
    from tests.transfers.importexport_helpers import read_xlsx

    client = client_for(cast.sales1)
    headers = read_xlsx(client.get(reverse("transfers:customer-import-template")).content)[0]
    assert "微信号 / WeChat ID" in headers and not any("底价" in str(header) for header in headers)
    _response, job = upload(client, xlsx_bytes([headers, ["陈小明"]]))
    assert set(job.columns) >= {"name", "cf_wechat", "cf_budget", "cf_since", "cf_trade", "cf_vip", "cf_helper"}
