"""The audit trail page (issue 8): admins read who did what, when and to how many."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from staff import offboarding
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(cast):
    audit.record(actor=cast.admin, action="staff.offboard", summary="张三 offboarded", count=120)
    audit.record(actor=cast.sup1, action="customers.reassign", summary="3 customers reassigned", count=3)
    old = audit.record(actor=cast.sup1, action="customers.export", summary="old export", count=9)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))


def _summaries(client, **params):
    return [event.summary for event in client.get(reverse("staff:audit-list"), params).context["page_obj"]]


def test_admin_reads_the_trail_newest_first(cast, client_for, events):
    client = client_for(cast.admin)
    assert _summaries(client) == ["3 customers reassigned", "张三 offboarded", "old export"]
    page = client.get(reverse("staff:audit-list")).content.decode()
    assert "staff.offboard" in page and "120" in page and "王主管" in page


def test_admin_filters_by_action_actor_and_dates(cast, client_for, events):
    client = client_for(cast.admin)
    assert _summaries(client, action="staff.offboard") == ["张三 offboarded"]
    assert _summaries(client, actor=cast.sup1.pk) == ["3 customers reassigned", "old export"]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert _summaries(client, date_from=week_ago, actor=cast.sup1.pk) == ["3 customers reassigned"]
    assert _summaries(client, date_to=week_ago) == ["old export"]


def test_the_trail_is_paginated(cast, client_for):
    for index in range(55):
        audit.record(actor=cast.admin, action="customers.export", summary=f"export {index}", count=1)
    client = client_for(cast.admin)
    assert len(_summaries(client)) == 50
    assert len(_summaries(client, page=2)) == 5


def test_nobody_but_admins_reads_it(cast, client_for, events):
    for person in (cast.sup1, cast.sales1, cast.backup):
        assert client_for(person).get(reverse("staff:audit-list")).status_code == 404


def test_the_trail_speaks_the_readers_language_whatever_language_the_actor_used(cast, client_for):
    """"49 customers (csv)" and "failed: …" were left in English on a Chinese page."""
    audit.record(actor=cast.sales1, action="customers.export", summary="49 customers (csv)", count=49, format="csv")
    audit.record(actor=cast.sales1, action="customers.import", summary="failed: 客户.xlsx", count=0, failed=True,
                 file="客户.xlsx")
    audit.record(actor=cast.sales1, action="customers.import", summary="failed: 旧.xlsx", count=0)  # an older row
    CustomerFactory(owner=cast.sales1b)
    offboarding.offboard(person=cast.sales1b, by=cast.admin)
    from accounts import services as staff_services
    staff_services.user_create(username="newbie", password="long-enough-password-1", data={"full_name": "新人"}, by=cast.admin)
    page = client_for(cast.admin).get(reverse("staff:audit-list"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    for chinese in ("49 个客户（CSV）", "失败：客户.xlsx", "失败：旧.xlsx", "赵六 已办理离职：转移 1 个客户（1 个进入公海）",
                    "newbie（业务员）"):
        assert chinese in page
    for english in ("customers (csv)", "failed:", "offboarded", "(salesperson)"):
        assert english not in page
