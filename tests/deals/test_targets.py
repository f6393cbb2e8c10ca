"""Targets, rankings and the forecast (issue 22): what each role sees and sets, bad input, and
the later of two edits being told."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm import ownership
from crm.models import Custody
from deals import targets
from deals.models import Deal, Target
from tests.deals.deals_helpers import make_deal, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def this_month():
    return targets.month_start(timezone.localdate())


def won(owner, amount):
    return win(make_deal(owner), amount=str(amount))


def set_target(person_or_group, amount, month=None, by=None, **counts):
    who = {"sales_group": person_or_group} if hasattr(person_or_group, "supervisor_id") else {"salesperson": person_or_group}
    return targets.target_set(by=by, month=month or this_month(), amount=Decimal(amount), **counts, **who)


def month_param():
    return this_month().strftime("%Y-%m")


def test_progress_counts_won_deals_for_the_salesperson_who_won_them(cast, client_for):
    set_target(cast.sales1, "10000", by=cast.admin)
    deal = won(cast.sales1, 2500)
    won(cast.sales1, 5000)
    make_deal(cast.sales1, amount="99999")  # open: not won
    # The customer moves on; the won deal stays with sales1.
    ownership.move([deal.customer_id], to=cast.sales2, reason=Custody.Reason.REASSIGNED, by=cast.admin)
    assert Deal.objects.get(pk=deal.pk).owner == cast.sales1

    page = targets.target_page(cast.sales1, targets.period("month", this_month()))
    assert page.mine.won == Decimal("7500.00") and page.mine.target == Decimal("10000") and page.mine.percent == 75

    html = client_for(cast.sales1).get("/deals/targets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的进度" in html and "75%" in html


def test_quarter_and_year_targets_are_the_sum_of_their_months(cast):
    month = this_month()
    set_target(cast.sales1, "1000", month=month, by=cast.admin)
    set_target(cast.sales1, "2000", month=targets.add_months(month, 12), by=cast.admin)  # next year
    other_month = targets.add_months(month, -1 if (month.month - 1) % 3 else 1)  # same quarter
    set_target(cast.sales1, "500", month=other_month, by=cast.admin)
    quarter = targets.target_page(cast.sales1, targets.period("quarter", month)).mine
    year = targets.target_page(cast.sales1, targets.period("year", month)).mine
    assert quarter.target == Decimal("1500")
    assert year.target == (Decimal("1500") if other_month.year == month.year else Decimal("1000"))


def test_rankings_within_the_group_and_across_groups(cast, client_for):
    won(cast.sales1, 3000)
    won(cast.sales1b, 3000)  # a tie: both first
    won(cast.sales2, 10000)
    set_target(cast.group1, "12000", by=cast.admin)
    month = targets.period("month", this_month())

    admin = targets.target_page(cast.admin, month)
    places = {row.who.username: (row.progress.rank, row.progress.rank_of) for row in admin.people if row.group == cast.group1}
    assert places["sales1"] == places["sales1b"] == (1, 3) and places["sup1"] == (3, 3)
    assert [(row.who.name, row.progress.rank, row.progress.percent) for row in admin.groups] == [
        ("Group B", 1, None), ("Group A", 2, 50)]

    supervisor = targets.target_page(cast.sup1, month)
    assert {row.who.username for row in supervisor.people} == {"sup1", "sales1", "sales1b"}
    assert [row.who for row in supervisor.groups] == [cast.group1]
    assert [(group, progress.rank, progress.rank_of) for group, progress in supervisor.group_places] == [(cast.group1, 2, 2)]

    salesperson = targets.target_page(cast.sales1, month)
    assert salesperson.people == [] and salesperson.groups == []
    assert (salesperson.my_place_in_group.rank, salesperson.my_place_in_group.rank_of) == (1, 3)
    html = client_for(cast.sales1).get("/deals/targets/").content.decode()
    assert "赵六" not in html and "Group B" not in html  # no colleague's or other group's figures


def test_the_home_page_shows_this_months_progress(cast, client_for):
    set_target(cast.sales1, "1000", by=cast.admin)
    won(cast.sales1, 400)
    html = client_for(cast.sales1).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "home-targets" in html and "40%" in html
    set_target(cast.group1, "800", by=cast.admin)
    html = client_for(cast.sup1).get("/").content.decode()
    assert "home-targets" in html and "50%" in html and "Group B" not in html.split("home-targets")[1]


def test_a_supervisor_sets_targets_for_their_group_and_its_people(cast, client_for):
    client = client_for(cast.sup1)
    response = client.post(f"/deals/targets/people/{cast.sales1.pk}/",
                           {"month": month_param(), "amount": "20000", "new_customers": "5", "followups": "60"})
    assert response.status_code == 302
    target = Target.objects.get(salesperson=cast.sales1)
    assert (target.amount, target.new_customers, target.followups, target.set_by) == (Decimal("20000"), 5, 60, cast.sup1)
    assert client.post(f"/deals/targets/groups/{cast.group1.pk}/", {"month": month_param(), "amount": "1"}).status_code == 302

    # Another group's person or group, themselves, a salesperson setting anything: 404, nothing saved.
    for url in (f"/deals/targets/people/{cast.sales2.pk}/", f"/deals/targets/groups/{cast.group2.pk}/",
                f"/deals/targets/people/{cast.sup1.pk}/"):
        assert client.post(url, {"month": month_param(), "amount": "1"}).status_code == 404
    assert client_for(cast.sales1).post(f"/deals/targets/people/{cast.sales1.pk}/",
                                        {"month": month_param(), "amount": "1"}).status_code == 404
    assert Target.objects.count() == 2


def test_counted_targets_count_new_customers_and_follow_ups(cast):
    set_target(cast.sales1, "0", by=cast.admin, new_customers=3)
    CustomerFactory(owner=cast.sales1, created_by=cast.sales1)
    CustomerFactory(owner=cast.sales1, created_by=cast.sales2)
    mine = targets.target_page(cast.sales1, targets.period("month", this_month())).mine
    assert (mine.new, mine.target_new, mine.followups) == (1, 3, None)


@pytest.mark.parametrize("data, message", [
    ({"month": "2026-12", "amount": "-1"}, "A target cannot be negative."),
    ({"month": "2026-12", "amount": "100000000000"}, "between 0 and 99,999,999,999.99"),
    ({"month": "9999-12", "amount": "100"}, "Choose a month between 2000 and 2100."),
    ({"month": "2026-13", "amount": "100"}, "Choose a month between 2000 and 2100."),
    ({"month": "2026-12", "amount": "100", "followups": "-3"}, "between 0 and 1,000,000"),
    ({"month": "2026-12", "amount": "100", "new_customers": "99999999"}, "between 0 and 1,000,000"),
])
def test_bad_targets_are_refused_with_a_clear_message(cast, client_for, data, message):
    response = client_for(cast.admin).post(f"/deals/targets/people/{cast.sales1.pk}/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Target.objects.exists()


def test_the_service_refuses_absurd_values_too(cast):
    with pytest.raises(ValidationError):
        set_target(cast.sales1, "-5", by=cast.admin)


def test_a_bad_month_in_the_address_shows_this_month(cast, client_for):
    response = client_for(cast.sup1).get("/deals/targets/?month=9999-12&period=decade")
    assert response.status_code == 200
    assert f'value="{month_param()}"' in response.content.decode()


def test_the_later_of_two_edits_is_told_and_changes_nothing(cast, client_for):
    url = f"/deals/targets/people/{cast.sales1.pk}/"
    first, second = client_for(cast.admin), client_for(cast.sup1)
    version = targets.target_version(None)
    assert first.post(url, {"month": month_param(), "amount": "100", "version": version}).status_code == 302
    response = second.post(url, {"month": month_param(), "amount": "999", "version": version}, follow=True)
    assert "Someone saved this target meanwhile" in response.content.decode()
    assert Target.objects.get().amount == Decimal("100")


def test_the_forecast_weights_open_deals_by_probability_and_month(cast, client_for):
    today = timezone.localdate()
    next_month = targets.add_months(this_month(), 1)
    make_deal(cast.sales1, amount="10000", probability=50, expected_close_on=next_month)
    make_deal(cast.sales1b, amount="1000", probability=10, expected_close_on=next_month + timedelta(days=3))
    make_deal(cast.sales2, amount="7000", probability=100, expected_close_on=next_month)
    make_deal(cast.sales1, amount="300", probability=100)  # no date: apart
    won(cast.sales1, 5000)  # won: not a forecast

    mine = targets.forecast(cast.sales1, this_month())
    assert mine["total"].months[1] == Decimal("5000.00") and mine["total"].total == Decimal("5000.00")
    assert mine["overdue_or_undated"] == Decimal("300.00")

    group = targets.forecast(cast.sup1, this_month())
    assert group["total"].months[1] == Decimal("5100.00")
    assert [row.who for row in group["groups"]] == [cast.group1]

    company = targets.forecast(cast.admin, this_month())
    assert company["total"].total == Decimal("12100.00")
    assert [(row.who, row.total) for row in company["groups"]] == [(cast.group2, Decimal("7000.00")),
                                                                    (cast.group1, Decimal("5100.00"))]
    html = client_for(cast.sup1).get("/deals/forecast/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "销售预测" in html and "李四" not in html and today.year
