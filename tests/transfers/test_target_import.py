"""The targets import (issue 22): the deals import's preview and all-or-nothing flow, whose
targets one may set following the targets policy, a re-run changes nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from deals.models import Target
from tests.transfers.importexport_helpers import body, csv_bytes, private_files  # noqa: F401

pytestmark = pytest.mark.django_db
HEADERS = ["月份", "目标金额", "销售员", "销售组", "新客户数", "跟进次数"]


def _upload(client, content, name="targets.csv"):
    return client.post(reverse("transfers:target-import"), {"file": SimpleUploadedFile(name, content)})


def _import(client, preview):
    form = preview.context["columns_form"]
    data = {"token": form.initial["token"], "action": "import"}
    for index, field in enumerate(form.column_fields()):
        data[f"col{index}"] = field.initial
    return client.post(reverse("transfers:target-import-confirm"), data)


def _rows(response):
    return {row.number: (row.status, row.reason) for row in response.context["checked"].rows}


def test_an_admin_imports_people_and_group_targets_and_a_rerun_changes_nothing(cast, client_for):
    client = client_for(cast.admin)
    content = csv_bytes([HEADERS, ["2026-12", "120,000.00", "张三", "", "5", "40"],
                         ["2026-12", "80000", "sales2", "", "", ""],
                         ["2027年1月", "500000", "", "Group B", "", ""]])
    preview = _upload(client, content)
    assert preview.context["checked"].new == 3, _rows(preview)
    assert not Target.objects.exists()  # nothing before the confirmation
    assert _import(client, preview).status_code == 302
    mine = Target.objects.get(salesperson=cast.sales1)
    assert (str(mine.month), mine.amount, mine.new_customers, mine.followups, mine.set_by) == (
        "2026-12-01", Decimal("120000.00"), 5, 40, cast.admin)
    assert Target.objects.get(sales_group=cast.group2).amount == Decimal("500000")
    assert AuditEvent.objects.get(action="targets.import").count == 3
    before = list(Target.objects.values_list("pk", "amount", "updated_at"))
    again = _upload(client, content)
    assert again.context["checked"].same == 3 and again.context["checked"].new == 0
    _import(client, again)
    assert list(Target.objects.values_list("pk", "amount", "updated_at")) == before


def test_the_targets_export_reads_back_unchanged(cast, client_for):
    client = client_for(cast.admin)
    _import(client, _upload(client, csv_bytes([HEADERS, ["2026-12", "1000", "张三", "", "", ""]])))
    exported = body(client.post(reverse("transfers:record-export", args=["targets"]), {"params": "", "format": "csv"}))
    preview = _upload(client, exported)
    assert preview.context["checked"].same == 1 and preview.context["checked"].bad == 0, _rows(preview)


def test_a_different_figure_replaces_the_target(cast, client_for):
    Target.objects.create(month="2026-12-01", salesperson=cast.sales1, amount=100, set_by=cast.admin)
    client = client_for(cast.sup1)
    preview = _upload(client, csv_bytes([HEADERS, ["2026-12-01", "250", "sales1", "", "", ""]]))
    assert preview.context["checked"].new == 1 and "100.00" in _rows(preview)[2][1]
    _import(client, preview)
    assert Target.objects.get(salesperson=cast.sales1).amount == Decimal("250")


@pytest.mark.parametrize(("row", "words"), [
    (["2026-12", "1000", "李四", "", "", ""], ["李四"]),  # another group's person, for a supervisor
    (["2026-12", "1000", "", "Group B", "", ""], ["Group B"]),  # another group
    (["2026-12", "1000", "nobody", "", "", ""], ["nobody"]),  # an unknown person
    (["2026-12", "1000", "sup1", "", "", ""], ["sup1"]),  # a supervisor does not set their own
    (["2026-13", "1000", "张三", "", "", ""], ["Month"]),
    (["9999-12", "1000", "张三", "", "", ""], ["Month"]),
    (["2026-12", "-5", "张三", "", "", ""], ["Amount"]),
    (["2026-12", "1e13", "张三", "", "", ""], ["Amount"]),
    (["2026-12", "很多", "张三", "", "", ""], ["Amount"]),
    (["2026-12", "1000", "张三", "Group A", "", ""], ["either"]),
    (["2026-12", "1000", "", "", "", ""], ["either"]),
    (["2026-12", "1000", "张三", "", "三个", ""], ["New customers"]),
    (["2026-12", "1000", "张" * 100_000, "", "", ""], ["100"]),
    (["2026-12", "1000", "张\x00三", "", "", ""], ["null"]),
])
def test_a_bad_row_refuses_the_whole_file_naming_it(cast, client_for, row, words):
    client = client_for(cast.sup1)
    preview = _upload(client, csv_bytes([HEADERS, ["2026-11", "10", "张三", "", "", ""], row]))
    rows = _rows(preview)
    assert rows[2][0] == "new" and rows[3][0] == "bad", rows
    for word in words:
        assert word in rows[3][1]
    response = _import(client, preview)
    assert response.status_code == 200 and "Nothing was imported" in response.content.decode()
    assert not Target.objects.exists()


def test_a_target_repeated_in_the_file_is_refused(cast, client_for):
    client = client_for(cast.admin)
    preview = _upload(client, csv_bytes([HEADERS, ["2026-12", "10", "张三", "", "", ""],
                                         ["2026-12", "20", "sales1", "", "", ""]]))
    assert _rows(preview)[3] == ("bad", "Row 2 already sets this target.")


def test_a_supervisor_sets_their_groups_targets(cast, client_for):
    client = client_for(cast.sup1)
    preview = _upload(client, csv_bytes([HEADERS, ["2026-12", "10", "张三", "", "", ""],
                                         ["2026-12", "30", "", "Group A", "", ""]]))
    assert preview.context["checked"].new == 2, _rows(preview)
    _import(client, preview)
    assert Target.objects.count() == 2


def test_a_salesperson_may_not_use_the_targets_import(cast, client_for):
    client = client_for(cast.sales1)
    assert client.get(reverse("transfers:target-import")).status_code == 404
    assert _upload(client, csv_bytes([HEADERS, ["2026-12", "10", "张三", "", "", ""]])).status_code == 404
    assert not Target.objects.exists()


def test_the_targets_import_reads_in_chinese(cast, client_for):
    client = client_for(cast.sup1)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = client.get(reverse("transfers:target-import")).content.decode()
    assert "导入目标" in page and "每行一个月度目标" in page
    preview = _upload(client, csv_bytes([HEADERS, ["2026-12", "10", "李四", "", "", ""]]))
    assert "没有名为“李四”且您可以为其设置目标的销售员。" in _rows(preview)[2][1]
    assert "导入目标" in client.get(reverse("deals:target-list")).content.decode()
