"""Key accounts: the nightly A/B/C classification by won revenue over 12 months (deals/abc.py),
on hand-computed examples, and what a user sees of it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm.models import Customer, CustomerChange
from deals import abc
from deals.models import Deal, DealSettings
from tests.deals.deals_helpers import make_deal, win
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def buyer(owner, *amounts, name="客户"):
    customer = CustomerFactory(owner=owner, name=name)
    for amount in amounts:
        win(make_deal(customer=customer), amount=str(amount))
    return customer


def classes(*customers):
    return [Customer.objects.get(pk=customer.pk).revenue_class for customer in customers]


def test_the_80_15_5_boundaries_on_a_hand_computed_example(cast):
    # Total 100. Ranked: 40, 40 (a tie) | 10 | 5 | 3 | 2.
    # Above each: 0, 0 -> A (both, a tie shares its class); 80 -> B (the first 80 % is made);
    # 90 -> B; 95 -> C (the first 95 % is made); 98 -> C. No revenue -> no class.
    first, second = buyer(cast.sales1, 40, name="甲"), buyer(cast.sales2, 25, 15, name="乙")
    third, fourth, fifth, sixth = (buyer(cast.sales1, amount) for amount in (10, 5, 3, 2))
    idle = CustomerFactory(owner=cast.sales1)
    lost_only = CustomerFactory(owner=cast.sales1)
    make_deal(customer=lost_only)  # an open deal is no revenue

    done = abc.classify()

    assert classes(first, second, third, fourth, fifth, sixth) == ["A", "A", "B", "B", "C", "C"]
    assert classes(idle, lost_only) == [None, None]
    assert Customer.objects.get(pk=second.pk).revenue_12m == Decimal("40.00")
    assert done.classes == {"A": 2, "B": 2, "C": 2} and done.revenue == Decimal("100.00")


def test_a_customer_reaching_exactly_80_percent_is_still_a(cast):
    # Total 100: 50 (above 0) A; 30 (above 50, reaches 80 exactly) A; 10 (above 80) B;
    # 5 and 5 tie (above 90) B.
    customers = [buyer(cast.sales1, amount) for amount in (50, 30, 10, 5, 5)]
    abc.classify()
    assert classes(*customers) == ["A", "A", "B", "B", "B"]


def test_only_the_last_12_months_count_and_a_class_goes_when_the_revenue_does(cast):
    old, recent = buyer(cast.sales1, 900), buyer(cast.sales1, 100)
    abc.classify()
    assert classes(old, recent) == ["A", "B"]  # 900 makes 90 %: A; 100 is above 90 % -> B

    Deal.objects.filter(customer=old).update(won_on=timezone.localdate() - timedelta(days=366))
    done = abc.classify()
    assert classes(old, recent) == [None, "A"]
    assert Customer.objects.get(pk=old.pk).revenue_12m is None
    assert done.cleared == 1

    again = abc.classify()  # nothing changed: nothing rewritten
    assert (again.changed, again.cleared) == (0, 0)


def test_a_class_customers_become_vip_only_when_the_company_says_so(cast):
    key, small = buyer(cast.sales1, 1000), buyer(cast.sales1, 10)
    abc.classify()
    assert Customer.objects.get(pk=key.pk).grade == Customer.Grade.NORMAL

    DealSettings.objects.update_or_create(pk=1, defaults={"a_class_becomes_vip": True})
    key.next_contact_on = timezone.localdate() + timedelta(days=25)
    key.save(update_fields=["next_contact_on"])
    done = abc.classify()

    key.refresh_from_db()
    assert done.promoted == 1 and key.grade == Customer.Grade.VIP
    assert key.next_contact_on <= timezone.localdate() + timedelta(days=7)  # the VIP cadence, sooner
    assert Customer.objects.get(pk=small.pk).grade == Customer.Grade.NORMAL
    change = CustomerChange.objects.get(customer=key, field="grade")
    assert (change.old_value, change.new_value, change.by) == ("normal", "vip", None)
    assert abc.classify().promoted == 0  # already VIP: no second history line


def test_the_command_and_the_nightly_report_refresh_classify(cast):
    customer = buyer(cast.sales1, 500)
    call_command("classify_customers", stdout=open("/dev/null", "w"))
    assert classes(customer) == ["A"]
    Customer.objects.filter(pk=customer.pk).update(revenue_class=None)
    call_command("refresh_reports", stdout=open("/dev/null", "w"))
    assert classes(customer) == ["A"]


def test_the_class_shows_on_the_customer_and_filters_the_list(cast, client_for):
    key, small = buyer(cast.sales1, 1000, name="大客户"), buyer(cast.sales1, 10, name="小客户")
    idle = CustomerFactory(owner=cast.sales1, name="没成交")
    abc.classify()
    client = client_for(cast.sales1)

    page = client.get(key.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "A类" in page and "¥1000.00" in page.replace(",", "")

    def names(**params):
        html = client.get("/customers/", params).content.decode()
        return {customer.name for customer in (key, small, idle) if customer.name in html}

    assert names(revenue_class="A") == {"大客户"}
    assert names(revenue_class="B") == set()  # 1000 of 1010 is A; the 10 above 99 % is C
    assert names(revenue_class="C") == {"小客户"}
    assert names(revenue_class="none") == {"没成交"}
    assert names(revenue_class="Z") == {"大客户", "小客户", "没成交"}  # a bad value is dropped


def test_a_saved_search_keeps_the_revenue_class(cast, client_for):
    client = client_for(cast.sales1)
    response = client.post("/searches/", {"name": "重点客户", "revenue_class": "A"})
    assert response.status_code == 302
    search = cast.sales1.saved_searches.get(name="重点客户")
    assert search.revenue_class == "A" and "revenue_class=A" in search.get_absolute_url()
