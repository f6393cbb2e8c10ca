"""Exports of follow-ups (of the customers one may see) and work plans (within scope), SPEC §1.D."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from crm import services
from tests.transfers.importexport_helpers import body, export, private_files, read_xlsx  # noqa: F401
from workplans import services as plan_services

pytestmark = pytest.mark.django_db


def _column(response, index) -> set:
    return {row[index] for row in read_xlsx(body(response))[1:]}


@pytest.fixture
def followups(cast, customers):
    now = timezone.now()
    for customer, author in [(customers.own, cast.sales1), (customers.same_group, cast.sales1b),
                             (customers.other_group, cast.sales2)]:
        services.followup_create(customer=customer, subject=f"谈 {customer.name}", content="=1+1 报价",
                                 occurred_at=now - timedelta(hours=1), by=author)
    services.followup_create(customer=customers.own, subject="上个月", content="旧的", occurred_at=now - timedelta(days=40),
                             by=cast.sales1)


@pytest.mark.parametrize("who, expected", [
    ("sales1", {"李华"}), ("sup1", {"李华", "王芳"}), ("admin", {"李华", "王芳", "李四海"}), ("sales2", {"李四海"}),
])
def test_each_role_exports_the_follow_ups_of_customers_they_may_see(cast, client_for, followups, who, expected):
    response = export(client_for(getattr(cast, who)), reverse("transfers:followup-export"))
    assert _column(response, 1) == expected


def test_the_follow_up_export_keeps_the_window_and_neutralises_formulae(cast, client_for, followups):
    rows = read_xlsx(body(export(client_for(cast.sales1), reverse("transfers:followup-export"), {"window": "week"})))
    assert rows[0] == ["Customer number", "Customer", "Time", "Subject", "Content", "Salesperson"]
    assert [row[3] for row in rows[1:]] == ["谈 李华"]
    assert rows[1][4] == "'=1+1 报价" and rows[1][5] == "张三"
    assert AuditEvent.objects.get(action="followups.export").count == 1


@pytest.fixture
def plans(cast):
    start = timezone.now() - timedelta(hours=2)
    for author in (cast.sales1, cast.sales1b, cast.sales2):
        plan_services.plan_create(by=author, subject=f"拜访 {author.username}", start_at=start, end_at=start + timedelta(hours=1))


@pytest.mark.parametrize("who, expected", [
    ("sales1", {"拜访 sales1"}), ("sup1", {"拜访 sales1", "拜访 sales1b"}),
    ("admin", {"拜访 sales1", "拜访 sales1b", "拜访 sales2"}),
])
def test_each_role_exports_the_work_plans_in_their_scope(cast, client_for, plans, who, expected):
    response = export(client_for(getattr(cast, who)), reverse("transfers:plan-export"), {"when": "any"})
    assert _column(response, 0) == expected


def test_a_large_plan_export_runs_in_the_background(cast, client_for, plans, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    client = client_for(cast.sup1)
    page = client.get(reverse("transfers:plan-export"), {"when": "any", "format": "csv"})
    assert "This list has 2 rows" in page.content.decode()
    response = client.post(reverse("transfers:plan-export"), {"params": "when=any", "format": "csv"})
    status = client.get(response["Location"]).content.decode()
    download = client.get(reverse("transfers:export-download", args=[response["Location"].rstrip("/").split("/")[-1]]))
    text = body(download).decode("utf-8-sig")
    assert "Download" in status and "拜访 sales1b" in text and "拜访 sales2" not in text
