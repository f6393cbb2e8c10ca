"""Bad input gets a clear message and changes nothing (issue 6, "Bad input")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workplans.plans import make_plan
from workplans.models import Plan

pytestmark = pytest.mark.django_db


def _times(start, hours):
    return {
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"),
    }


def test_salesperson_can_add_a_plan_and_becomes_its_author(cast, client_for):
    start = timezone.localtime() + timedelta(days=1)
    data = {"subject": "拜访王总", "content": "带报价单", "remarks": "下午", **_times(start, 2), "author": cast.sales2.pk}
    client = client_for(cast.sales1)
    response = client.post(reverse("workplans:plan-create"), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == plan.get_absolute_url()
    assert plan.author == cast.sales1  # never taken from the form
    assert plan.subject == "拜访王总" and plan.content == "带报价单" and plan.status == Plan.Status.OPEN
    assert plan.created_at is not None
    assert "Plan added." in client.get(plan.get_absolute_url()).content.decode()


def test_salesperson_cannot_add_a_plan_that_ends_before_it_starts(cast, client_for):
    start = timezone.localtime() + timedelta(days=1)
    response = client_for(cast.sales1).post(reverse("workplans:plan-create"), {"subject": "回访", **_times(start, -1)})
    assert response.status_code == 200
    assert "The end time must be after the start time." in response.content.decode()
    assert not Plan.objects.exists()


def test_salesperson_cannot_add_a_plan_that_ends_when_it_starts(cast, client_for):
    start = timezone.localtime() + timedelta(days=1)
    response = client_for(cast.sales1).post(reverse("workplans:plan-create"), {"subject": "回访", **_times(start, 0)})
    assert "The end time must be after the start time." in response.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.parametrize("subject", ["", "   "])
def test_salesperson_cannot_add_a_plan_without_a_subject(cast, client_for, subject):
    start = timezone.localtime() + timedelta(days=1)
    response = client_for(cast.sales1).post(reverse("workplans:plan-create"), {"subject": subject, **_times(start, 1)})
    assert response.status_code == 200
    assert "Give the plan a subject." in response.content.decode()
    assert not Plan.objects.exists()


def test_salesperson_cannot_add_a_plan_with_unreadable_times(cast, client_for):
    response = client_for(cast.sales1).post(
        reverse("workplans:plan-create"), {"subject": "回访", "start_at": "tomorrow", "end_at": ""}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Plan.objects.exists()


def test_supervisor_cannot_move_a_plans_end_before_its_start(cast, client_for):
    plan = make_plan(cast.sales1, subject="原主题")
    start = timezone.localtime(plan.start_at)
    response = client_for(cast.sup1).post(
        reverse("workplans:plan-edit", args=[plan.pk]), {"subject": "新主题", **_times(start, -2)}
    )
    assert "The end time must be after the start time." in response.content.decode()
    plan.refresh_from_db()
    assert plan.subject == "原主题"


def test_salesperson_cannot_open_the_edit_page_of_their_completed_plan(cast, client_for):
    plan = make_plan(cast.sales1, done=True)
    response = client_for(cast.sales1).get(reverse("workplans:plan-edit", args=[plan.pk]))
    assert response.status_code == 403
    assert "This plan is completed: only a supervisor or an admin can change it now." in response.content.decode()


def test_salesperson_cannot_see_other_peoples_plans_even_by_guessing_ids(cast, client_for):
    plan = make_plan(cast.sales1b)
    client = client_for(cast.sales1)
    for name in ("workplans:plan-detail", "workplans:plan-edit"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 404
    assert client.get(reverse("workplans:plan-detail", args=[plan.pk + 1000])).status_code == 404
    assert client.post(reverse("workplans:plan-status", args=[plan.pk]), {"action": "complete"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == Plan.Status.OPEN


def test_it_refuses_an_impossible_plan_even_past_the_form(cast):
    """The database holds the line too: no plan ends before it starts."""
    from django.db import IntegrityError, transaction

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(author=cast.sales1, subject="x", start_at=now, end_at=now - timedelta(minutes=1))
