"""The deals report (issue 22 part 2b): a hand-computed funnel, win rate, average size and days,
lost reasons and revenue, scoped like deals (salesperson own, supervisor group, admin all), the
same numbers live and from the nightly summary tables, the period filter, the Excel export, and
other groups' ids in every parameter changing nothing."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services as crm_services
from crm.models import Customer
from deals import defaults
from deals import services as deal_services
from deals.models import LostReason, Stage
from reports import summaries
from tests.deals.deals_helpers import lose, make_deal, stage, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = reverse("reports:deals")


@pytest.fixture(autouse=True)
def default_stages(db):
    defaults.install(Stage, LostReason)


def _sections(response):
    return {section.title: {row[0]: row[1:] for row in section.rows} for section in response.context["sections"]}


@pytest.fixture
def deals(cast):
    """sales1: three deals opened today (one moved a stage then won for 9,000, one lost, one left
    in the first stage); sales1b one won for 1,000; sales2 (Group B) one won for 5,000."""
    today = timezone.localdate()
    customer = CustomerFactory(owner=cast.sales1, industry="制造业", source="referral")
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=10))
    crm_services.followup_create(customer=customer, by=cast.sales1, subject="初访", content="见面",
                                 occurred_at=timezone.now() - timedelta(days=8))
    first = make_deal(customer=customer, title="大单", amount="10000.00")
    deal_services.deal_move(deal=first, to_stage=stage(position=1), by=cast.sales1)
    win(first, amount="9000.00", on=today)
    lose(make_deal(customer=customer, title="丢单", amount="3000.00"))
    make_deal(customer=customer, title="在谈", amount="2000.00")
    win(make_deal(cast.sales1b, title="同组单", amount="1000.00"), amount="1000.00", on=today)
    win(make_deal(cast.sales2, title="外组单", amount="5000.00"), amount="5000.00", on=today)
    return customer


def test_a_salesperson_sees_their_own_funnel_and_revenue_hand_computed(cast, client_for, deals):
    response = client_for(cast.sales1).get(URL)
    assert response.status_code == 200
    sections = _sections(response)
    funnel = sections["Funnel by stage"]
    first, second, won = stage().name, stage(position=1).name, stage("won").name
    assert funnel[first][:2] == [3, Decimal("15000.00")]
    assert funnel[second] == [1, Decimal("10000.00"), "33.3%"]
    assert funnel[won] == [1, Decimal("10000.00"), "100.0%"]
    figures = sections["Won and lost"]
    assert figures["Deals won"] == [1] and figures["Deals lost"] == [1] and figures["Win rate"] == ["50.0%"]
    assert figures["Revenue (CNY)"] == [Decimal("9000.00")] and figures["Average deal size (CNY)"] == [Decimal("9000.00")]
    assert figures["Average days from first contact to won"] == [10.0]  # created 10 days ago, before the first call
    assert sections["Lost reasons"][LostReason.objects.order_by("order", "id").first().name][0] == 1
    assert sections["Revenue by salesperson"] == {"张三": [1, Decimal("9000.00"), "100.0%"]}
    assert sections["Revenue by industry"] == {"制造业": [1, Decimal("9000.00"), "100.0%"]}
    page = response.content.decode()
    assert "赵六" not in page and "李四" not in page and ">5000.00<" not in page


def test_a_supervisor_sees_their_group_and_the_admin_the_company(cast, client_for, deals):
    group = _sections(client_for(cast.sup1).get(URL))
    assert group["Revenue by salesperson"] == {"张三": [1, Decimal("9000.00"), "90.0%"],
                                              "赵六": [1, Decimal("1000.00"), "10.0%"]}
    assert group["Revenue by group"] == {"Group A": [2, Decimal("10000.00"), "100.0%"]}
    company = _sections(client_for(cast.admin).get(URL))
    assert company["Revenue by group"] == {"Group A": [2, Decimal("10000.00"), "66.7%"],
                                           "Group B": [1, Decimal("5000.00"), "33.3%"]}
    assert company["Won and lost"]["Win rate"] == ["75.0%"]


def test_the_company_reads_the_nightly_summaries_with_the_same_numbers(cast, client_for, deals):
    client = client_for(cast.admin)
    live = _sections(client.get(URL, {"days": 365}))
    assert summaries.refresh_summaries() is not None
    response = client.get(URL, {"days": 365})
    assert response.context["deals_as_of"] is not None
    assert _sections(response) == live
    win(make_deal(cast.sales1, amount="7.00"), amount="7.00")  # after the rebuild
    assert _sections(client.get(URL, {"days": 365})) == live  # the company: as of the rebuild
    assert _sections(client.get(URL, {"days": 365, "person": cast.sales1.pk}))["Won and lost"]["Deals won"] == [2]


def test_the_period_filter_keeps_older_wins_out(cast, client_for, deals):
    old = make_deal(cast.sales1, title="旧单")
    old.created_at = timezone.now() - timedelta(days=60)
    old.save(update_fields=["created_at"])
    win(old, amount="400.00", on=timezone.localdate() - timedelta(days=40))
    client = client_for(cast.sales1)
    assert _sections(client.get(URL, {"days": 30}))["Won and lost"]["Deals won"] == [1]
    assert _sections(client.get(URL, {"days": 90}))["Won and lost"]["Deals won"] == [2]


@pytest.mark.parametrize("params", [
    lambda cast: {"person": cast.sales2.pk}, lambda cast: {"group": cast.group2.pk},
    lambda cast: {"person": cast.sales1b.pk}, lambda cast: {"days": "99999"},
])
def test_other_peoples_ids_in_the_filter_show_only_the_readers_own(cast, client_for, deals, params):
    for url in (URL, reverse("reports:deals-export")):
        response = client_for(cast.sales1).get(url, params(cast))
        assert response.status_code == 200
        text = _xlsx_text(response.content) if url != URL else response.content.decode()
        assert "李四" not in text and "赵六" not in text and ">5000.00<" not in text and "<v>5000.0</v>" not in text


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return book.read("xl/worksheets/sheet1.xml").decode()


def test_the_export_is_an_excel_workbook_with_every_table(cast, client_for, deals):
    response = client_for(cast.sup1).get(reverse("reports:deals-export"), {"days": 30})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith('attachment; filename="deal-report-')
    sheet = _xlsx_text(response.content)
    for text in ("Funnel by stage", "Lost reasons", "Revenue by month", "赵六", "张三", "<v>9000.0</v>", "<v>10000.0</v>"):
        assert text in sheet
    assert "李四" not in sheet
    page = client_for(cast.sup1).get(URL, {"days": 30}).content.decode()
    assert reverse("reports:deals-export") + "?days=30" in page


def test_a_name_that_looks_like_a_formula_is_exported_as_text(cast, client_for, deals):
    cast.sales1.full_name = "=HYPERLINK(\"x\")"
    cast.sales1.save(update_fields=["full_name"])
    sheet = _xlsx_text(client_for(cast.sales1).get(reverse("reports:deals-export")).content)
    assert "'=HYPERLINK" in sheet


def test_the_page_speaks_chinese_and_links_from_the_deal_pages(cast, client_for, deals):
    client = client_for(cast.sales1)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "赢单率" in page and "导出" in page
    assert URL in client.get(reverse("deals:deal-list")).content.decode()


def test_without_any_deal_the_report_says_so(cast, client_for):
    page = client_for(cast.sales1).get(URL).content.decode()
    assert "Nothing to show for this period and scope yet." in page


def test_a_salesperson_is_told_it_is_their_own_deals_and_picks_only_the_period(cast, client_for, deals):
    page = client_for(cast.sales1).get(URL).content.decode()
    assert "Showing your own deals." in page and 'name="days"' in page
    assert 'name="group"' not in page and 'name="person"' not in page
    assert reverse("reports:funnel") not in page  # the other reports are for supervisors and admins
    page = client_for(cast.sup1).get(URL).content.decode()
    assert 'name="group"' in page and reverse("reports:funnel") in page
