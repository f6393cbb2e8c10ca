"""The complaint list, the customer page's section and badge, the report (issue 25)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import services
from tests.complaints.helpers import at, log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_salesperson_sees_their_customers_complaints_only(cast, client_for):
    log(cast.sales1, customer=CustomerFactory(owner=cast.sales1, name="我的客户"))
    log(cast.sales1b, customer=CustomerFactory(owner=cast.sales1b, name="同组客户"))
    log(cast.sales2, customer=CustomerFactory(owner=cast.sales2, name="别组客户"))
    pages = {user.username: client_for(user).get(reverse("complaints:complaint-list")).content.decode()
             for user in (cast.sales1, cast.sup1, cast.admin)}
    assert "我的客户" in pages["sales1"] and "同组客户" not in pages["sales1"] and "别组客户" not in pages["sales1"]
    assert "同组客户" in pages["sup1"] and "别组客户" not in pages["sup1"]
    assert all(name in pages["boss"] for name in ("我的客户", "同组客户", "别组客户"))


def test_the_list_filters_by_state_severity_and_overdue_in_china_time(cast, client_for):
    now = timezone.now()
    late = log(cast.sales1, customer=CustomerFactory(owner=cast.sales1, name="超时客户"), now=now - timedelta(hours=30))
    log(cast.sales1, customer=CustomerFactory(owner=cast.sales1, name="新客户"), severity="critical")
    client = client_for(cast.sales1)
    page = client.get(reverse("complaints:complaint-list"), {"overdue": "on"}).content.decode()
    assert "超时客户" in page and "新客户" not in page and "response overdue" in page
    assert timezone.localtime(late.response_due_at).strftime("%Y-%m-%d %H:%M") in page  # Asia/Shanghai
    page = client.get(reverse("complaints:complaint-list"), {"severity": "critical"}).content.decode()
    assert "新客户" in page and "超时客户" not in page
    services.complaint_move(complaint=late, to_state="resolved", by=cast.sales1)
    page = client.get(reverse("complaints:complaint-list"), {"state": "resolved"}).content.decode()
    assert "超时客户" in page and "新客户" not in page and "in 30.0 h" in page
    assert "Last 30 days: 0 of 2 complaints answered within 24 hours (0.0%)." in page


def test_the_list_takes_a_few_queries_whatever_its_length(cast, client_for, django_assert_max_num_queries):
    for number in range(15):
        log(cast.sales1, customer=CustomerFactory(owner=cast.sales1, name=f"客户{number}"))
    client = client_for(cast.sup1)
    client.get(reverse("complaints:complaint-list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("complaints:complaint-list")).status_code == 200


def test_customers_with_an_open_complaint_are_flagged_on_the_list(cast, client_for):
    flagged = CustomerFactory(owner=cast.sales1, name="投诉中")
    closed = CustomerFactory(owner=cast.sales1, name="已结案")
    CustomerFactory(owner=cast.sales1, name="没投诉")
    log(customer=flagged, by=cast.sales1)
    complaint = log(customer=closed, by=cast.sales1)
    for state in ("resolved", "closed"):
        complaint = services.complaint_move(complaint=complaint, to_state=state, by=cast.sales1)
    page = client_for(cast.sales1).get(reverse("crm:customer-list")).content.decode()
    assert page.count("Complaint open") == 1
    row = page[page.index("投诉中"):]
    assert row.index("Complaint open") < row.index("</tr>")


def test_the_customer_page_shows_its_complaints_and_the_button(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    log(customer=customer, by=cast.sales1, category="billing")
    page = client_for(cast.sales1).get(customer.get_absolute_url()).content.decode()
    assert "Log a complaint" in page and "Billing" in page and "1 open" in page
    assert "this customer is not recycled to the pool" in page


def test_supervisor_sees_the_complaint_report_with_its_numbers(cast, client_for):
    now = timezone.now()
    fast = log(cast.sales1, now=now - timedelta(days=3), category="billing")
    services.complaint_move(complaint=fast, to_state="responded", by=cast.sales1, now=now - timedelta(days=3, hours=-2))
    slow = log(cast.sales1b, now=now - timedelta(days=3), category="billing")
    services.complaint_move(complaint=slow, to_state="resolved", by=cast.sales1b, now=now - timedelta(days=1))
    log(cast.sales2, now=now - timedelta(days=2))  # another group's: not counted
    with translation.override("zh-hans"):
        page = client_for(cast.sup1).get(reverse("reports:complaints"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "50.0%" in page  # one of Group A's two answered within 24 hours
    assert "账单" in page or "Billing" in page
    assert "赵六" in page and "张三" in page and "李四" not in page
