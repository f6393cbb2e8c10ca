"""SPEC §4.2.B-E as tables: role x (own, same group, other group) x (completed, not completed).

Each row states what the person would notice: the page, the refusal, and whether the plan
changed.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workplans.plans import ACTORS, plan_for
from workplans import policies
from workplans.models import Plan, PlanStatusChange

pytestmark = pytest.mark.django_db

SEEN, HIDDEN = 200, 404
DONE, OPEN = True, False

# --- §4.2.B: who sees which plan ---------------------------------------------------------------

VISIBILITY = [
    ("salesperson", "own", SEEN),
    ("salesperson", "same_group", HIDDEN),
    ("salesperson", "other_group", HIDDEN),
    ("supervisor", "own", SEEN),
    ("supervisor", "same_group", SEEN),
    ("supervisor", "other_group", HIDDEN),
    ("admin", "own", SEEN),
    ("admin", "same_group", SEEN),
    ("admin", "other_group", SEEN),
]


@pytest.mark.parametrize("done", [DONE, OPEN], ids=["completed", "not_completed"])
@pytest.mark.parametrize("role,relation,expected", VISIBILITY)
def test_it_shows_a_plan_only_within_the_viewers_scope(cast, client_for, role, relation, expected, done):
    plan = plan_for(cast, role, relation, done=done)
    client = client_for(getattr(cast, ACTORS[role]))
    assert client.get(reverse("workplans:plan-detail", args=[plan.pk])).status_code == expected
    listed = client.get(reverse("workplans:plan-list"), {"when": "any"}).content.decode()
    assert (plan.subject in listed) == (expected == SEEN)


# --- §4.2.C: who may edit ----------------------------------------------------------------------

EDITED, REFUSED = 302, 403

EDITING = [
    ("salesperson", "own", OPEN, EDITED),
    ("salesperson", "own", DONE, REFUSED),
    ("salesperson", "same_group", OPEN, HIDDEN),
    ("salesperson", "same_group", DONE, HIDDEN),
    ("salesperson", "other_group", OPEN, HIDDEN),
    ("salesperson", "other_group", DONE, HIDDEN),
    ("supervisor", "own", OPEN, EDITED),
    ("supervisor", "own", DONE, EDITED),
    ("supervisor", "same_group", OPEN, EDITED),
    ("supervisor", "same_group", DONE, EDITED),
    ("supervisor", "other_group", OPEN, HIDDEN),
    ("supervisor", "other_group", DONE, HIDDEN),
    ("admin", "own", OPEN, EDITED),
    ("admin", "own", DONE, EDITED),
    ("admin", "same_group", OPEN, EDITED),
    ("admin", "same_group", DONE, EDITED),
    ("admin", "other_group", OPEN, EDITED),
    ("admin", "other_group", DONE, EDITED),
]


def _form(plan, **changes):
    data = {
        "subject": plan.subject,
        "start_at": timezone.localtime(plan.start_at).strftime("%Y-%m-%dT%H:%M"),
        "end_at": timezone.localtime(plan.end_at).strftime("%Y-%m-%dT%H:%M"),
        "content": plan.content,
        "remarks": plan.remarks,
    }
    return {**data, **changes}


@pytest.mark.parametrize("role,relation,done,expected", EDITING)
def test_it_lets_only_the_right_people_edit(cast, client_for, role, relation, done, expected):
    plan = plan_for(cast, role, relation, done=done)
    client = client_for(getattr(cast, ACTORS[role]))
    url = reverse("workplans:plan-edit", args=[plan.pk])
    response = client.post(url, _form(plan, subject="改过的主题"))
    assert response.status_code == expected
    plan.refresh_from_db()
    assert (plan.subject == "改过的主题") == (expected == EDITED)
    if expected == REFUSED:
        assert "only a supervisor or an admin can change it" in response.content.decode()
    detail = client.get(reverse("workplans:plan-detail", args=[plan.pk])).content.decode()
    assert (url in detail) == (expected == EDITED)  # the Edit button shows exactly where editing works


# --- §4.2.D: who may change the status (default setting) ----------------------------------------

CHANGED = 302

COMPLETING = [  # marking a not-completed plan completed
    ("salesperson", "own", CHANGED),
    ("salesperson", "same_group", HIDDEN),
    ("salesperson", "other_group", HIDDEN),
    ("supervisor", "own", CHANGED),
    ("supervisor", "same_group", CHANGED),
    ("supervisor", "other_group", HIDDEN),
    ("admin", "own", CHANGED),
    ("admin", "same_group", CHANGED),
    ("admin", "other_group", CHANGED),
]

REOPENING = [  # taking a completed plan back to not completed
    ("salesperson", "own", REFUSED),
    ("salesperson", "same_group", HIDDEN),
    ("salesperson", "other_group", HIDDEN),
    ("supervisor", "own", CHANGED),
    ("supervisor", "same_group", CHANGED),
    ("supervisor", "other_group", HIDDEN),
    ("admin", "own", CHANGED),
    ("admin", "same_group", CHANGED),
    ("admin", "other_group", CHANGED),
]


@pytest.mark.parametrize("role,relation,expected", COMPLETING)
def test_it_lets_only_the_right_people_mark_a_plan_completed(cast, client_for, role, relation, expected):
    plan = plan_for(cast, role, relation, done=OPEN)
    actor = getattr(cast, ACTORS[role])
    response = client_for(actor).post(reverse("workplans:plan-status", args=[plan.pk]), {"action": "complete"})
    assert response.status_code == expected
    plan.refresh_from_db()
    assert plan.is_done == (expected == CHANGED)
    if expected == CHANGED:
        assert plan.completed_by == actor and plan.completed_at is not None
        assert PlanStatusChange.objects.filter(plan=plan, by=actor, to_status=Plan.Status.DONE).count() == 1


@pytest.mark.parametrize("role,relation,expected", REOPENING)
def test_it_lets_only_managers_reopen_a_completed_plan(cast, client_for, role, relation, expected):
    plan = plan_for(cast, role, relation, done=DONE)
    response = client_for(getattr(cast, ACTORS[role])).post(
        reverse("workplans:plan-status", args=[plan.pk]), {"action": "reopen"}
    )
    assert response.status_code == expected
    plan.refresh_from_db()
    assert plan.is_done == (expected != CHANGED)
    if expected == REFUSED:
        assert "Only a supervisor or an admin can reopen" in response.content.decode()


# --- §4.2.E: who may delete, exactly as the source says ----------------------------------------

DELETED = 302

DELETING = [
    # a salesperson: only their own completed plans
    ("salesperson", "own", DONE, DELETED),
    ("salesperson", "own", OPEN, REFUSED),
    ("salesperson", "same_group", DONE, HIDDEN),
    ("salesperson", "same_group", OPEN, HIDDEN),
    ("salesperson", "other_group", DONE, HIDDEN),
    ("salesperson", "other_group", OPEN, HIDDEN),
    # a supervisor: only completed plans of their groups
    ("supervisor", "own", DONE, DELETED),
    ("supervisor", "own", OPEN, REFUSED),
    ("supervisor", "same_group", DONE, DELETED),
    ("supervisor", "same_group", OPEN, REFUSED),
    ("supervisor", "other_group", DONE, HIDDEN),
    ("supervisor", "other_group", OPEN, HIDDEN),
    # an admin: any plan
    ("admin", "own", DONE, DELETED),
    ("admin", "own", OPEN, DELETED),
    ("admin", "same_group", DONE, DELETED),
    ("admin", "same_group", OPEN, DELETED),
    ("admin", "other_group", DONE, DELETED),
    ("admin", "other_group", OPEN, DELETED),
]


@pytest.mark.parametrize("role,relation,done,expected", DELETING)
def test_it_deletes_plans_exactly_as_spec_4_2_e_says(cast, client_for, role, relation, done, expected):
    plan = plan_for(cast, role, relation, done=done)
    client = client_for(getattr(cast, ACTORS[role]))
    delete_url = reverse("workplans:plan-delete", args=[plan.pk])
    if expected != HIDDEN:  # the button is on the page exactly where deleting is allowed
        detail = client.get(reverse("workplans:plan-detail", args=[plan.pk])).content.decode()
        assert (delete_url in detail) == (expected == DELETED)
    response = client.post(delete_url)
    assert response.status_code == expected
    assert Plan.objects.filter(pk=plan.pk).exists() == (expected != DELETED)
    if expected == REFUSED:
        assert "Only completed plans can be deleted" in response.content.decode()
        assert "Nothing was changed" in response.content.decode()


def test_supervisor_cannot_delete_the_plan_of_someone_who_left_their_group(cast, client_for):
    """The server decides at the moment of the request, whatever the page showed earlier."""
    plan = plan_for(cast, "supervisor", "same_group", done=DONE)  # sales1's completed plan
    cast.sales1.sales_group = cast.group2
    cast.sales1.save()
    response = client_for(cast.sup1).post(reverse("workplans:plan-delete", args=[plan.pk]))
    assert response.status_code == 404
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_backup_operator_cannot_reach_any_plan(cast, client_for):
    plan = plan_for(cast, "salesperson", "own", done=DONE)
    client = client_for(cast.backup)
    assert client.get(reverse("workplans:plan-list")).status_code == 404
    assert client.post(reverse("workplans:plan-delete", args=[plan.pk])).status_code == 404
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("workplans:plan-list"))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("accounts:login"))


def test_the_policy_answers_who_changes_and_deletes_which_plan(cast):
    own_done = plan_for(cast, "salesperson", "own", done=DONE)
    own_open = plan_for(cast, "salesperson", "own", done=OPEN)
    other = plan_for(cast, "salesperson", "other_group", done=DONE)
    assert policies.can_delete_plan(cast.sales1, own_done)
    assert not policies.can_delete_plan(cast.sales1, own_open)
    assert policies.can_edit_plan(cast.sales1, own_open)
    assert not policies.visible_plans(cast.sales1).filter(pk=other.pk).exists()
    assert policies.can_delete_plan(cast.sup2, other)
    assert not policies.can_add_plan(cast.backup)
