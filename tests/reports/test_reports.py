"""Reports (issue 11): every number equals a direct count within the viewer's scope, live for a
supervisor and for the admin both live and from the nightly summary tables."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common import timewindows
from crm import services
from crm.models import Custody, Customer, CustomerChange, FollowUp
from reports import numbers, summaries
from reports.models import CustomerStock
from deals import defaults
from deals.models import LostReason, Stage
from tests.deals.deals_helpers import lose, make_deal, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _sections(response):
    return {section.title: section for section in response.context["sections"]}


def _rows(section):
    return {row[0]: row[1:] for row in section.rows}


def _custody(customer, reason, *, days_ago, from_owner=None, to_owner=None):
    Custody.objects.create(customer=customer, reason=reason, from_owner=from_owner, to_owner=to_owner,
                           actor=from_owner or to_owner, created_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def company(cast):
    """Customers of both groups with their custody history, a few type changes and follow-ups."""
    made = {}
    specs = [
        (cast.sales1, "prospect", "vip", "referral", "制造业"),
        (cast.sales1, "intention", "normal", "self", "金融"),
        (cast.sales1, "intention", "normal", "advertising", "制造业"),
        (cast.sales1b, "suspended", "normal", "self", ""),
        (cast.sales2, "prospect", "normal", "self", "教育培训"),
        (cast.sales2, "prospect", "vip", "referral", "教育培训"),
        (cast.sales2b, "intention", "normal", "self", "金融"),
    ]
    for n, (owner, type_, grade, source, industry) in enumerate(specs):
        customer = CustomerFactory(owner=owner, type=type_, grade=grade, source=source, industry=industry,
                                   created_at=timezone.now() - timedelta(days=100))
        _custody(customer, "created", days_ago=100, to_owner=owner)
        made[n] = customer
    now = timezone.now()
    for customer, author, days_ago in ((made[0], cast.sales1, 0), (made[0], cast.sales1, 2), (made[1], cast.sales1, 2),
                                       (made[4], cast.sales2, 1), (made[4], cast.sales2, 40)):
        FollowUp.objects.create(customer=customer, author=author, subject="s", content="c",
                                occurred_at=now - timedelta(days=days_ago))
    services.customer_change_type(customer=made[1], type="prospect", by=cast.sales1)
    services.customer_change_type(customer=made[4], type="suspended", by=cast.sales2)
    return made


def test_salesperson_and_backup_operator_get_no_reports(cast, client_for):
    for user in (cast.sales1, cast.backup):
        assert client_for(user).get(reverse("reports:funnel")).status_code == 404
    assert "/reports/" not in client_for(cast.sales1).get(reverse("home")).content.decode()
    assert reverse("reports:index") in client_for(cast.sup1).get(reverse("home")).content.decode()


def test_funnel_counts_customers_by_type_within_the_supervisors_groups(cast, client_for, company):
    response = client_for(cast.sup1).get(reverse("reports:funnel"))
    rows = _rows(_sections(response)["Customers by type"])
    group1 = Customer.objects.filter(owner__sales_group=cast.group1)
    for value, label in Customer.Type.choices:
        assert rows[label][0] == group1.filter(type=value).count()
    moves = _rows(_sections(response)["Movement between types in the last 30 days"])
    assert moves == {"Intention customer → Prospect": [1]}  # the other group's change is not theirs


@pytest.mark.parametrize("rebuilt", [False, True])
def test_pool_flows_per_day_and_per_previous_owner(cast, client_for, company, rebuilt):
    _custody(company[2], "gave_up", days_ago=0, from_owner=cast.sales1)
    _custody(company[3], "recycled", days_ago=2, from_owner=cast.sales1b)
    _custody(company[4], "gave_up", days_ago=1, from_owner=cast.sales2)  # another group
    _custody(company[2], "claimed", days_ago=0, to_owner=cast.sales1b)
    _custody(company[0], "gave_up", days_ago=20, from_owner=cast.sales1)  # before the period
    if rebuilt:
        summaries.refresh_summaries()
    sections = _sections(client_for(cast.sup1).get(reverse("reports:pool"), {"days": 7}))
    daily = sections["Into and out of the pool per day, last 7 days"]
    assert len(daily.rows) == 7  # every day shows, empty ones as zeros
    assert [row[1:] for row in daily.rows[-3:]] == [[0, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0, 1, 0]]
    people = _rows(sections["Into and out of the pool per salesperson"])
    assert people["张三"] == [1, 0, 0, 0, 0] and people["赵六"] == [0, 1, 0, 1, 0]
    assert "李四" not in people  # another group's salesperson
    company_wide = _sections(client_for(cast.admin).get(reverse("reports:pool"), {"days": 30}))
    assert _rows(company_wide["Into and out of the pool per group"]) == {
        "Group A": [2, 1, 0, 1, 0], "Group B": [1, 0, 0, 0, 0]}
    assert "last 30 days" in "".join(company_wide)


@pytest.mark.parametrize("rebuilt", [False, True])
def test_admin_funnel_and_breakdowns_count_the_whole_company(cast, client_for, company, rebuilt):
    if rebuilt:
        call_command("refresh_reports", stdout=open("/dev/null", "w"))
    client = client_for(cast.admin)
    rows = _rows(_sections(client.get(reverse("reports:funnel")))["Customers by type"])
    assert [rows[label][0] for _v, label in Customer.Type.choices] == [
        Customer.objects.filter(owner__isnull=False, type=value).count() for value, _l in Customer.Type.choices
    ]
    sections = _sections(client.get(reverse("reports:customers")))
    grades = _rows(sections["Customers by grade"])
    assert grades["VIP"][0] == Customer.objects.filter(owner__isnull=False, grade="vip").count() == 2
    industries = _rows(sections["Customers by industry"])
    assert industries["教育培训"][0] == 2 and industries["金融"][0] == 2 and industries["Not given"][0] == 1
    assert _rows(sections["Customers by source"])["Referral by a friend"][0] == 2


def test_activity_counts_follow_ups_per_day_and_per_person(cast, client_for, company):
    response = client_for(cast.sup1).get(reverse("reports:activity"), {"days": 7})
    sections = _sections(response)
    per_day = _sections(response)["Follow-ups per day"]
    assert len(per_day.rows) == 7 and per_day.footer[1] == 3  # the other group's and the 40-day-old are out
    start = timewindows.local_midnight(timewindows.today() - timedelta(days=6))
    assert per_day.footer[1] == FollowUp.objects.filter(author__sales_group=cast.group1, occurred_at__gte=start).count()
    people = _rows(sections["Follow-ups per salesperson"])
    assert people["张三"][0] == 3 and people["赵六"][0] == 0 and "李四" not in people


@pytest.mark.parametrize("rebuilt", [False, True])
def test_admin_activity_is_the_same_from_the_summary_and_live(cast, client_for, company, rebuilt):
    if rebuilt:
        summaries.refresh_summaries()
    response = client_for(cast.admin).get(reverse("reports:activity"), {"days": 90})
    sections = _sections(response)
    assert sections["Follow-ups per day"].footer[1] == 5
    assert _rows(sections["Follow-ups per group"]) == {"Group A": [3, "0.0"], "Group B": [2, "0.0"]}


def test_pool_flows_count_given_up_recycled_and_claimed_per_week(cast, client_for, company):
    _custody(company[2], "gave_up", days_ago=0, from_owner=cast.sales1)
    _custody(company[3], "recycled", days_ago=0, from_owner=cast.sales1b)
    _custody(company[4], "gave_up", days_ago=0, from_owner=cast.sales2)  # another group
    _custody(company[2], "claimed", days_ago=0, to_owner=cast.sales1b)
    response = client_for(cast.sup1).get(reverse("reports:pool"), {"days": 7})
    section = _sections(response)["Into and out of the pool per week"]
    assert section.headers[1:4] == ["Given up to the pool", "Recycled to the pool", "Owner left the company"]
    assert section.footer[1:] == [1, 1, 0, 1, 0]
    admin = _sections(client_for(cast.admin).get(reverse("reports:pool"), {"days": 7}))
    assert admin["Into and out of the pool per week"].footer[1:] == [2, 1, 0, 1, 0]
    summaries.refresh_summaries()
    rebuilt = _sections(client_for(cast.admin).get(reverse("reports:pool"), {"days": 7}))
    assert rebuilt["Into and out of the pool per week"].footer == admin["Into and out of the pool per week"].footer


@pytest.mark.parametrize("rebuilt", [False, True])
def test_retention_is_the_share_of_customers_held_at_the_start_not_given_up_or_recycled(cast, client_for, company, rebuilt):
    # sales1 held 3 customers 30 days ago; gives one up and loses one to recycling in the period,
    # claims a new one (not in the base) and gave one up before the period (not counted).
    _custody(company[1], "gave_up", days_ago=10, from_owner=cast.sales1)
    _custody(company[2], "recycled", days_ago=5, from_owner=cast.sales1)
    Customer.objects.filter(pk__in=[company[1].pk, company[2].pk]).update(owner=None)
    claimed = CustomerFactory(owner=cast.sales1, created_at=timezone.now() - timedelta(days=200))
    _custody(claimed, "created", days_ago=200, to_owner=cast.sales2)
    _custody(claimed, "gave_up", days_ago=150, from_owner=cast.sales2)
    _custody(claimed, "claimed", days_ago=3, to_owner=cast.sales1)
    if rebuilt:
        summaries.refresh_summaries()
    for user in (cast.sup1, cast.admin):
        sections = _sections(client_for(user).get(reverse("reports:retention"), {"days": 30}))
        groups = _rows(sections["Retention per group"])
        assert groups["Group A"] == [4, 1, 1, 2, "50.0%"]  # sales1's 3 and sales1b's 1
        if user == cast.admin:
            assert groups["Group B"] == [3, 0, 0, 3, "100.0%"]  # the claimed one left sales2 150 days ago
        else:
            assert "Group B" not in groups
            assert _rows(sections["Retention per salesperson"])["张三"] == [3, 1, 1, 1, "33.3%"]


def test_admin_can_narrow_a_report_to_a_group_or_a_person(cast, client_for, company):
    client = client_for(cast.admin)
    response = client.get(reverse("reports:funnel"), {"group": cast.group2.pk})
    assert f'<option value="{cast.group2.pk}" selected>Group B</option>' in response.content.decode()
    rows = _rows(_sections(response)["Customers by type"])
    assert [rows["Prospect"][0], rows["Intention customer"][0], rows["Suspended"][0]] == [1, 1, 1]
    rows = _rows(_sections(client.get(reverse("reports:funnel"), {"person": cast.sales1.pk}))["Customers by type"])
    assert [rows["Prospect"][0], rows["Intention customer"][0], rows["Suspended"][0]] == [2, 1, 0]


def test_a_supervisor_cannot_narrow_to_another_groups_person(cast, client_for, company):
    response = client_for(cast.sup1).get(reverse("reports:funnel"), {"person": cast.sales2.pk, "days": "oops"})
    assert response.status_code == 200
    assert "Those filters could not be used" in response.content.decode()
    rows = _rows(_sections(response)["Customers by type"])
    assert sum(row[0] for row in rows.values()) == Customer.objects.filter(owner__sales_group=cast.group1).count()


def test_empty_reports_say_so(cast, client_for):
    for name in ("funnel", "activity", "pool", "retention", "customers"):
        response = client_for(cast.sup1).get(reverse(f"reports:{name}"))
        assert response.status_code == 200
    page = client_for(cast.sup1).get(reverse("reports:retention")).content.decode()
    assert "Nothing to show for this period and scope yet." in page


def test_charts_get_their_numbers_as_json_not_inline_script(cast, client_for, company):
    page = client_for(cast.sup1).get(reverse("reports:funnel"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<script>" not in page and "https://" not in page
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in page and "js/reports.js" in page
    data = json.loads(re.search(r'<script id="chart-0" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["labels"] == ["准客户", "意向客户", "暂停客户"]  # labels come translated from the server
    assert data["datasets"][0]["data"] == [2, 1, 1]
    assert "销售漏斗" in page


def test_refresh_command_is_safe_to_run_twice(cast, company, capsys):
    call_command("refresh_reports")
    call_command("refresh_reports")
    assert "rebuilt" in capsys.readouterr().out
    assert sum(CustomerStock.objects.values_list("customers", flat=True)) == Customer.objects.filter(
        owner__isnull=False).count()
    assert CustomerChange.objects.filter(field="type").count() == 2


def _statistics(models) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, last_analyze, n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                       [[model._meta.db_table for model in models]])
        return {name: (analysed, modified) for name, analysed, modified in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)  # committed, as at night: statistics count committed rows only
def test_refresh_leaves_fresh_statistics_on_every_table_it_rebuilt(cast, company):
    """Issue 21.5: a rebuilt, never-analysed summary table made the first reader of the morning
    wait 1.9 s for a 0.3 ms query. After refresh_reports each rebuilt table has been ANALYZEd
    (by the command, not by autovacuum) since the rebuild, and no change is left unanalysed."""
    defaults.install(Stage, LostReason)  # the deals report's tables need deals to rebuild
    lose(make_deal(cast.sales1))
    win(make_deal(cast.sales1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        before = cursor.fetchone()[0]
    call_command("refresh_reports", stdout=io.StringIO())
    assert all(model.objects.exists() for model in summaries.REBUILT)  # the rebuild wrote rows to analyse
    statistics = _statistics(summaries.REBUILT)
    assert set(statistics) == {model._meta.db_table for model in summaries.REBUILT}
    for table, (analysed, modified) in statistics.items():
        assert analysed is not None and analysed >= before, table
        assert modified == 0, table


def test_company_retention_from_the_monthly_holdings_equals_the_live_count(cast):
    """A random year of changes of owner: the admin's retention read from the nightly summaries
    (monthly holdings walked forwards) equals the one counted live, for every period."""
    import random

    rng = random.Random(11)
    people = [cast.sales1, cast.sales1b, cast.sales2, cast.sales2b]
    for _ in range(12):
        owner = rng.choice(people)
        days_ago = rng.randint(200, 500)
        customer = CustomerFactory(owner=owner, created_at=timezone.now() - timedelta(days=days_ago))
        _custody(customer, "created", days_ago=days_ago, to_owner=owner)
        while days_ago > 1 and rng.random() < 0.8:
            days_ago = rng.randint(0, days_ago - 1)
            if owner is None:
                owner = rng.choice(people)
                _custody(customer, "claimed", days_ago=days_ago, to_owner=owner)
            else:
                _custody(customer, rng.choice(["gave_up", "recycled"]), days_ago=days_ago, from_owner=owner)
                owner = None
        Customer.objects.filter(pk=customer.pk).update(owner=owner)
    live = {days: numbers.retention(numbers.scope_for(cast.admin), days) for days in numbers.PERIOD_DAYS}
    summaries.refresh_summaries()
    for days in numbers.PERIOD_DAYS:
        summary = numbers.retention(numbers.scope_for(cast.admin), days)
        assert {k: vars(v) for k, v in summary.items()} == {k: vars(v) for k, v in live[days].items()}, days
