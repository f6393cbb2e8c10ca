"""Linking a plan to customers: only customers its author may see (issue 6)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory
from tests.workplans.plans import make_plan
from workplans import services
from workplans.models import Plan

pytestmark = pytest.mark.django_db


def _form(**extra):
    start = timezone.localtime() + timedelta(days=1)
    return {
        "subject": "拜访客户",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_salesperson_can_link_a_plan_to_their_customers(cast, client_for):
    mine = [CustomerFactory(owner=cast.sales1, name="王总"), CustomerFactory(owner=cast.sales1, name="刘经理")]
    client = client_for(cast.sales1)
    form_page = client.get(reverse("workplans:plan-create")).content.decode()
    assert "王总" in form_page and "刘经理" in form_page
    response = client.post(reverse("workplans:plan-create"), _form(customers=[c.pk for c in mine]))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert set(plan.customers.all()) == set(mine)
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "王总" in detail and mine[0].get_absolute_url() in detail


def test_salesperson_is_not_offered_a_colleagues_customers(cast, client_for):
    CustomerFactory(owner=cast.sales1b, name="同事的客户")
    page = client_for(cast.sales1).get(reverse("workplans:plan-create")).content.decode()
    assert "同事的客户" not in page


@pytest.mark.parametrize("owner", ["sales1b", "sales2", None])
def test_salesperson_cannot_link_a_customer_they_may_not_see(cast, client_for, owner):
    other = CustomerFactory(owner=getattr(cast, owner) if owner else None, name="别人的客户")
    response = client_for(cast.sales1).post(reverse("workplans:plan-create"), _form(customers=[other.pk]))
    assert response.status_code == 200
    assert "A plan can only be linked to customers its salesperson may see." in response.content.decode()
    assert not Plan.objects.exists()


def test_supervisor_editing_links_customers_of_the_plans_author(cast, client_for):
    theirs = CustomerFactory(owner=cast.sales1, name="张三的客户")
    not_theirs = CustomerFactory(owner=cast.sales1b, name="赵六的客户")
    plan = make_plan(cast.sales1)
    client = client_for(cast.sup1)
    url = reverse("workplans:plan-edit", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "张三的客户" in page and "赵六的客户" not in page  # the author's customers, not the supervisor's
    assert client.post(url, _form(customers=[not_theirs.pk])).status_code == 200
    assert not plan.customers.exists()
    assert client.post(url, _form(customers=[theirs.pk])).status_code == 302
    assert list(plan.customers.all()) == [theirs]


def test_it_refuses_an_unseen_customer_even_past_the_form(cast):
    from django.core.exceptions import ValidationError

    other = CustomerFactory(owner=cast.sales2)
    start = timezone.now()
    with pytest.raises(ValidationError):
        services.plan_create(by=cast.sales1, subject="x", start_at=start, end_at=start + timedelta(hours=1),
                             customers=[other])
    assert not Plan.objects.exists()


def test_it_hides_a_linked_customer_that_has_changed_hands(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1, name="已转走的客户")
    plan = make_plan(cast.sales1)
    plan.customers.add(customer)
    customer.owner = cast.sales2
    customer.save()
    page = client_for(cast.sales1).get(plan.get_absolute_url()).content.decode()
    assert "已转走的客户" not in page
    assert "and 1 customer you can no longer see" in page
