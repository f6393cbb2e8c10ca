"""A salesperson's page (SPEC §7.2): profile, customers with the §1.A views, follow-ups,
plans and pool activity, with headline counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Custody, FollowUp
from staff import offboarding
from tests.factories import CustomerFactory
from workplans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(cast):
    now = timezone.now()
    vip = CustomerFactory(owner=cast.sales1, grade="vip", type="prospect", next_contact_on=timezone.localdate() - timedelta(days=2))
    CustomerFactory(owner=cast.sales1, type="suspended")
    given_up = CustomerFactory(owner=None)
    Custody.objects.create(customer=given_up, from_owner=cast.sales1, reason="gave_up", created_at=now)
    FollowUp.objects.create(customer=vip, author=cast.sales1, subject="报价", content="发了报价单", occurred_at=now)
    Plan.objects.create(author=cast.sales1, subject="拜访华为", start_at=now - timedelta(hours=3), end_at=now - timedelta(hours=1))
    cast.sales1.phone = "13800001111"
    cast.sales1.save()


def test_supervisor_sees_the_whole_activity_of_their_salesperson(cast, client_for, activity):
    response = client_for(cast.sup1).get(reverse("staff:user-detail", args=[cast.sales1.pk]))
    assert response.status_code == 200
    context = response.context
    assert context["headline"] == {"total": 2, "vip": 1, "prospects": 1, "intentions": 0, "suspended": 1, "overdue": 1}
    assert {item.view.key: item.count for item in context["views"]}["prospects"] == 1
    assert context["followup_total"] == 1
    assert context["plan_counts"] == {"open": 1, "done": 0, "overdue": 1}
    assert context["pool_counts"]["gave_up"] == 1
    page = response.content.decode()
    assert "13800001111" in page and "报价" in page and "拜访华为" in page


def test_supervisor_cannot_open_the_page_of_another_groups_salesperson(cast, client_for, activity):
    assert client_for(cast.sup1).get(reverse("staff:user-detail", args=[cast.sales2.pk])).status_code == 404


def test_the_page_of_a_former_colleague_says_so(cast, client_for, activity):
    offboarding.offboard(person=cast.sales1, by=cast.admin)
    page = client_for(cast.admin).get(reverse("staff:user-detail", args=[cast.sales1.pk])).content.decode()
    assert "former staff" in page and "13800001111" not in page


def test_the_page_runs_a_bounded_number_of_queries(cast, client_for, activity, django_assert_max_num_queries):
    for _ in range(15):
        CustomerFactory(owner=cast.sales1)
    client = client_for(cast.admin)
    with django_assert_max_num_queries(30):
        client.get(reverse("staff:user-detail", args=[cast.sales1.pk]))
