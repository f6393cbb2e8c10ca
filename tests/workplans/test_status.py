"""SPEC §4.2.D: completing, confirming and reopening plans; the setting for who marks done."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.workplans.plans import make_plan
from workplans.models import Plan, PlanStatusChange

pytestmark = pytest.mark.django_db


def _status(client, plan, action, **extra):
    return client.post(reverse("workplans:plan-status", args=[plan.pk]), {"action": action, **extra})


def test_salesperson_can_mark_their_plan_done_and_supervisor_can_confirm_it(cast, client_for):
    plan = make_plan(cast.sales1)
    assert _status(client_for(cast.sales1), plan, "complete").status_code == 302
    plan.refresh_from_db()
    assert plan.is_done and plan.completed_by == cast.sales1 and not plan.is_confirmed
    page = client_for(cast.sup1).get(reverse("workplans:plan-detail", args=[plan.pk])).content.decode()
    assert "Not yet confirmed by a supervisor" in page and 'value="confirm"' in page

    assert _status(client_for(cast.sup1), plan, "confirm").status_code == 302
    plan.refresh_from_db()
    assert plan.is_confirmed and plan.confirmed_by == cast.sup1
    history = list(PlanStatusChange.objects.filter(plan=plan).values_list("action", "by__username"))
    assert history == [("completed", "sales1"), ("confirmed", "sup1")]


def test_salesperson_cannot_confirm_their_own_completion(cast, client_for):
    plan = make_plan(cast.sales1, done=True)
    response = _status(client_for(cast.sales1), plan, "confirm")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert not plan.is_confirmed


def test_supervisor_marking_done_confirms_at_once(cast, client_for):
    plan = make_plan(cast.sales1)
    _status(client_for(cast.sup1), plan, "complete")
    plan.refresh_from_db()
    assert plan.is_done and plan.completed_by == cast.sup1 and plan.confirmed_by == cast.sup1


def test_supervisor_can_reopen_a_completed_plan_and_the_history_says_who_and_when(cast, client_for):
    plan = make_plan(cast.sales1)
    _status(client_for(cast.sales1), plan, "complete")
    _status(client_for(cast.sup1), plan, "reopen")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.OPEN and plan.completed_at is None and plan.confirmed_at is None
    changes = list(PlanStatusChange.objects.filter(plan=plan).order_by("at", "id"))
    assert [(c.from_status, c.to_status, c.by) for c in changes] == [
        ("open", "done", cast.sales1), ("done", "open", cast.sup1)
    ]
    assert all(c.at is not None for c in changes)
    page = client_for(cast.sales1).get(reverse("workplans:plan-detail", args=[plan.pk])).content.decode()
    assert "reopened" in page and cast.sup1.display_name in page


def test_a_second_click_changes_nothing_and_says_so(cast, client_for):
    plan = make_plan(cast.sales1)
    client = client_for(cast.sales1)
    _status(client, plan, "complete")
    response = _status(client, plan, "complete", next=reverse("workplans:plan-list"))
    assert response.status_code == 302 and response.headers["Location"] == reverse("workplans:plan-list")
    assert PlanStatusChange.objects.filter(plan=plan).count() == 1
    assert "already completed" in client.get(reverse("workplans:plan-list")).content.decode()


def test_it_never_redirects_to_another_site(cast, client_for):
    plan = make_plan(cast.sales1)
    response = _status(client_for(cast.sales1), plan, "complete", next="https://evil.example/")
    assert response.headers["Location"] == plan.get_absolute_url()


def test_it_refuses_an_unknown_status_action(cast, client_for):
    plan = make_plan(cast.sales1)
    client = client_for(cast.sales1)
    response = _status(client, plan, "delete-everything")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.OPEN
    assert "Choose what to do" in client.get(plan.get_absolute_url()).content.decode()


@override_settings(WORKPLANS_ONLY_MANAGERS_COMPLETE=True)
def test_salesperson_cannot_mark_done_when_only_managers_complete(cast, client_for):
    plan = make_plan(cast.sales1)
    client = client_for(cast.sales1)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'value="complete"' not in page  # no button
    response = _status(client, plan, "complete")
    assert response.status_code == 403
    assert "Only supervisors and admins can mark plans completed" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.OPEN
    assert not PlanStatusChange.objects.exists()


@override_settings(WORKPLANS_ONLY_MANAGERS_COMPLETE=True)
@pytest.mark.parametrize("manager", ["sup1", "admin"])
def test_managers_can_mark_done_when_only_managers_complete(cast, client_for, manager):
    plan = make_plan(cast.sales1)
    assert _status(client_for(getattr(cast, manager)), plan, "complete").status_code == 302
    plan.refresh_from_db()
    assert plan.is_done and plan.confirmed_by == getattr(cast, manager)


def test_salesperson_can_mark_done_by_default(cast, client_for, settings):
    assert settings.WORKPLANS_ONLY_MANAGERS_COMPLETE is False
    plan = make_plan(cast.sales1)
    assert 'value="complete"' in client_for(cast.sales1).get(plan.get_absolute_url()).content.decode()


def test_it_reads_the_setting_from_the_environment(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv("WORKPLANS_ONLY_MANAGERS_COMPLETE", "1")
    try:
        assert importlib.reload(config.settings).WORKPLANS_ONLY_MANAGERS_COMPLETE is True
    finally:
        monkeypatch.delenv("WORKPLANS_ONLY_MANAGERS_COMPLETE")
        importlib.reload(config.settings)
