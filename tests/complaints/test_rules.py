"""Complaints: deadlines, states, the 24-hour measure, bad input (issue 25). The clock is the
`now` the services take: no sleeping, no real time in the assertions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Deadline, Step
from crm import services as crm_services
from tests.complaints.helpers import at, log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_it_sets_deadlines_from_the_severity_setting(cast):
    now = at("2026-12-01 09:00")
    normal = log(cast.sales1, now=now)
    assert normal.response_due_at == now + timedelta(hours=24)
    assert normal.resolution_due_at == now + timedelta(hours=72)
    Deadline.objects.create(severity="high", response_hours=2, resolution_hours=10)
    high = log(cast.sales1, now=now, severity="high")
    assert (high.response_due_at, high.resolution_due_at) == (now + timedelta(hours=2), now + timedelta(hours=10))
    assert high.owner == cast.sales1 and high.state == "new"
    assert list(high.steps.values_list("from_state", "to_state", "by")) == [("", "new", cast.sales1.pk)]


def test_a_resolution_date_is_the_end_of_that_day_in_china_and_never_in_the_past(cast):
    now = at("2026-12-01 23:30")  # 15:30 UTC: "today" is China's 1 December
    complaint = log(cast.sales1, now=now, resolve_by=now.date())
    assert complaint.resolution_due_at == at("2026-12-01 23:59")
    with pytest.raises(ValidationError, match="past"):
        log(cast.sales1, now=now, resolve_by=(now - timedelta(days=1)).date())


def test_salesperson_cannot_log_a_complaint_with_a_past_deadline(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).post(reverse("complaints:complaint-create", args=[customer.pk]), {
        "channel": "phone", "category": "product", "severity": "normal", "description": "坏了", "resolve_by": "2000-01-03"})
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("description, message", [
    ("坏\x00了", "Null characters are not allowed."),
    ("投" * 100_000, "At most 5000 characters"),
])
def test_salesperson_cannot_log_nul_bytes_or_a_huge_text(cast, client_for, description, message):
    customer = CustomerFactory(owner=cast.sales1)
    response = client_for(cast.sales1).post(reverse("complaints:complaint-create", args=[customer.pk]), {
        "channel": "phone", "category": "product", "severity": "normal", "description": description})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_salesperson_cannot_log_on_another_groups_customer(cast, client_for):
    other = CustomerFactory(owner=cast.sales2)
    response = client_for(cast.sales1).post(reverse("complaints:complaint-create", args=[other.pk]), {
        "channel": "phone", "category": "product", "severity": "normal", "description": "x"})
    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_it_walks_every_step_and_keeps_who_and_when(cast):
    start = at("2026-12-01 09:00")
    complaint = log(cast.sales1, now=start)
    for hours, state, by in ((3, "responded", cast.sales1), (20, "resolved", cast.sales1), (30, "closed", cast.sup1),
                             (40, "reopened", cast.admin), (50, "resolved", cast.sales1)):
        complaint = services.complaint_move(complaint=complaint, to_state=state, note=f"第{hours}小时", by=by,
                                            now=start + timedelta(hours=hours))
    assert complaint.state == "resolved"
    assert complaint.responded_at == start + timedelta(hours=3)  # the first answer stays the answer
    assert complaint.resolved_at == start + timedelta(hours=50) and complaint.closed_at is None
    steps = list(Step.objects.filter(complaint=complaint).values_list("from_state", "to_state", "by", "note"))
    assert steps[-3:] == [("resolved", "closed", cast.sup1.pk, "第30小时"), ("closed", "reopened", cast.admin.pk, "第40小时"),
                          ("reopened", "resolved", cast.sales1.pk, "第50小时")]


def test_salesperson_cannot_jump_from_closed_to_responded(cast, client_for):
    complaint = log(cast.sales1)
    for state in ("resolved", "closed"):
        complaint = services.complaint_move(complaint=complaint, to_state=state, by=cast.sales1)
    response = client_for(cast.sales1).post(reverse("complaints:complaint-move", args=[complaint.pk]),
                                            {"to_state": "responded", "seen_state": "closed", "note": ""})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.steps.count() == 3
    with pytest.raises(ValidationError, match="cannot become"):
        services.complaint_move(complaint=complaint, to_state="responded", by=cast.sales1)


def test_the_later_of_two_answers_is_told_and_changes_nothing(cast, client_for):
    complaint = log(cast.sales1)
    services.complaint_move(complaint=complaint, to_state="responded", by=cast.sup1)  # sup1 answered first
    response = client_for(cast.sales1).post(reverse("complaints:complaint-move", args=[complaint.pk]),
                                            {"to_state": "resolved", "seen_state": "new", "note": "我也回了"})
    assert "meanwhile" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == "responded"


@pytest.mark.parametrize("hours, within", [(23.9, True), (24, True), (24.1, False)])
def test_the_24_hour_measure(cast, hours, within):
    start = at("2026-12-01 09:00")
    complaint = log(cast.sales1, now=start)
    complaint = services.complaint_move(complaint=complaint, to_state="responded", by=cast.sales1,
                                        now=start + timedelta(hours=hours))
    assert complaint.answered_within_day is within


def test_salesperson_links_the_followups_that_answered_and_only_their_customers(cast, client_for):
    complaint = log(cast.sales1)
    mine = crm_services.followup_create(customer=complaint.customer, subject="电话致歉", content="已换货",
                                        occurred_at=complaint.created_at, by=cast.sales1)
    other_customer = CustomerFactory(owner=cast.sales2)
    theirs = crm_services.followup_create(customer=other_customer, subject="别组", content="x",
                                          occurred_at=complaint.created_at, by=cast.sales2)
    client = client_for(cast.sales1)
    response = client.post(reverse("complaints:complaint-link", args=[complaint.pk]), {"link-followups": [theirs.pk]})
    assert response.status_code == 400 and not complaint.followups.exists()
    response = client.post(reverse("complaints:complaint-move", args=[complaint.pk]),
                           {"to_state": "responded", "seen_state": "new", "followups": [mine.pk]})
    assert response.status_code == 302
    assert list(complaint.followups.all()) == [mine]
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "电话致歉" in page and "别组" not in page


def test_admin_sets_the_deadlines_per_severity(cast, client_for):
    data = {}
    for severity in ("low", "normal", "high", "critical"):
        data[f"response_{severity}"], data[f"resolution_{severity}"] = "12", "36"
    data["response_critical"], data["resolution_critical"] = "1", "8"
    assert client_for(cast.admin).post(reverse("complaints:deadline-settings"), data).status_code == 302
    assert services.deadline_hours("critical") == (1, 8) and services.deadline_hours("low") == (12, 36)
    data["response_low"] = "100"  # later than its resolution: refused, nothing saved
    response = client_for(cast.admin).post(reverse("complaints:deadline-settings"), data)
    assert response.status_code == 200 and services.deadline_hours("low") == (12, 36)


def test_a_pool_customer_takes_no_complaint_until_someone_holds_it(cast):
    with pytest.raises(ValidationError, match="in the pool"):
        log(customer=CustomerFactory(owner=None), by=cast.admin)
    assert not Complaint.objects.exists()
