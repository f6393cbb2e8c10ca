"""The deals and payments imports (issue 22): the same preview and safety as the contacts
import: scope, stages by name in either language, won rows need amount and date, amounts and
dates checked, payments against won deals within the balance unless a prepayment, all or
nothing, and a re-run adds nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deals import services as deal_services
from deals.models import Deal, Payment, StageChange
from tests.deals.conftest import default_stages  # noqa: F401
from tests.deals.deals_helpers import make_deal, stage, win
from tests.transfers.importexport_helpers import body, csv_bytes, export, private_files  # noqa: F401

pytestmark = pytest.mark.django_db
DEAL_HEADERS = ["客户编号", "商机名称", "金额", "阶段", "预计成交日期", "签约金额", "签约日期"]
PAYMENT_HEADERS = ["商机编号", "回款日期", "回款金额", "方式", "预付款"]


def _upload(client, kind, content, name="file.csv"):
    return client.post(reverse(f"transfers:{kind}-import"), {"file": SimpleUploadedFile(name, content)})


def _import(client, kind, preview):
    form = preview.context["columns_form"]
    data = {"token": form.initial["token"], "action": "import"}
    for index, field in enumerate(form.column_fields()):
        data[f"col{index}"] = field.initial
    return client.post(reverse(f"transfers:{kind}-import-confirm"), data)


def _rows(response):
    return {row.number: (row.status, row.reason) for row in response.context["checked"].rows}


def test_a_salesperson_imports_deals_of_their_customers_once(cast, client_for, customers):
    client = client_for(cast.sales1)
    won, today = stage("won"), timezone.localdate().isoformat()
    content = csv_bytes([DEAL_HEADERS, [customers.own.number, "年度框架", "12000.50", stage().name_zh, "2027-01-03", "", ""],
                         [customers.own.number, "=赢的单", "500", won.name_en, "", "480.00", "2026-01-05"]])
    preview = _upload(client, "deal", content)
    assert preview.context["checked"].new == 2, _rows(preview)
    assert _import(client, "deal", preview).status_code == 302
    deals = {deal.title: deal for deal in Deal.objects.filter(customer=customers.own)}
    assert deals["年度框架"].owner == cast.sales1 and deals["年度框架"].amount == Decimal("12000.50")
    assert deals["=赢的单"].stage == won and deals["=赢的单"].won_amount == Decimal("480.00")
    assert StageChange.objects.filter(deal__in=deals.values()).count() == 2
    assert AuditEvent.objects.get(action="deals.import").count == 2
    again = _upload(client, "deal", content)
    assert again.context["checked"].same == 2 and again.context["checked"].new == 0
    assert today  # the dates above are fixed: nothing depends on the clock but "not in the future"


def test_bad_deal_rows_are_refused_by_number_and_nothing_is_imported(cast, client_for, customers):
    rows = [DEAL_HEADERS,
            [customers.own.number, "好的", "100", "", "", "", ""],                      # 2
            [customers.other_group.number, "别组", "100", "", "", "", ""],              # 3
            [customers.own.number, "负数", "-5", "", "", "", ""],                       # 4
            [customers.own.number, "太大", "1000000000000", "", "", "", ""],            # 5
            [customers.own.number, "日期", "100", "", "9999-12-31", "", ""],            # 6
            [customers.own.number, "没有的阶段", "100", "不存在的阶段", "", "", ""],      # 7
            [customers.own.number, "赢单没金额", "100", stage("won").name_zh, "", "", ""],  # 8
            [customers.own.number, "x" * 100_000, "100", "", "", "", ""],               # 9
            [customers.own.number, "小数", "1.234", "", "", "", ""],                    # 10
            [customers.own.number, "空\x00", "1", "", "", "", ""]]                      # 11
    client = client_for(cast.sales1)
    preview = _upload(client, "deal", csv_bytes(rows))
    found = _rows(preview)
    assert found[2][0] == "new"
    assert {number for number, (status, _r) in found.items() if status == "bad"} == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "不存在的阶段" in found[7][1]
    response = _import(client, "deal", preview)
    assert response.status_code == 200 and not Deal.objects.exists()


@pytest.fixture
def won_deal(cast, customers):
    return win(make_deal(customer=customers.own), amount="1000.00")


def test_payments_import_within_the_balance_and_prepayments_marked(cast, client_for, customers, won_deal):
    deal_services.payment_add(deal=won_deal, by=cast.sales1, received_on=timezone.localdate(), amount=Decimal("600"),
                              method="cash")
    other = win(make_deal(customer=customers.other_group), amount="50.00")
    rows = [PAYMENT_HEADERS,
            [won_deal.pk, "2026-01-02", "300", "转账", ""],      # 2: fine (300 of 400 left)
            [won_deal.pk, "2026-01-03", "200", "现金", ""],      # 3: only 100 left now
            [won_deal.pk, "2026-01-04", "200", "现金", "是"],    # 4: a prepayment
            [other.pk, "2026-01-04", "10", "现金", ""],          # 5: another group's deal
            [won_deal.pk, "9999-12-31", "10", "", ""],           # 6: date
            [won_deal.pk, "2026-01-04", "-1", "", ""],           # 7: negative
            ["abc", "2026-01-04", "1", "", ""]]                   # 8
    client = client_for(cast.sales1)
    preview = _upload(client, "payment", csv_bytes(rows))
    found = _rows(preview)
    assert found[2][0] == "new" and found[4][0] == "new"
    assert {number for number, (status, _r) in found.items() if status == "bad"} == {3, 5, 6, 7, 8}
    assert "100.00" in found[3][1]
    assert _import(client, "payment", preview).status_code == 200  # refused: nothing saved
    assert Payment.objects.count() == 1
    good = csv_bytes([PAYMENT_HEADERS, rows[1], rows[3]])
    preview = _upload(client, "payment", good)
    assert _import(client, "payment", preview).status_code == 302
    assert Payment.objects.filter(deal=won_deal).count() == 3
    again = _upload(client, "payment", good)
    assert again.context["checked"].same == 2


def test_the_deals_export_reads_back_as_already_there(cast, client_for, won_deal):
    client = client_for(cast.sales1)
    exported = body(export(client, reverse("transfers:record-export", args=["deals"])))
    preview = _upload(client, "deal", exported, name="deals.xlsx")
    assert preview.context["checked"].same == 1 and preview.context["checked"].bad == 0


def test_a_ticket_of_one_kind_does_not_open_another(cast, client_for, customers):
    client = client_for(cast.sales1)
    preview = _upload(client, "contact", csv_bytes([["客户编号", "联系人姓名"], [customers.own.number, "甲"]]))
    token = preview.context["columns_form"].initial["token"]
    assert client.post(reverse("transfers:deal-import-confirm"), {"token": token, "action": "import"}).status_code == 404
