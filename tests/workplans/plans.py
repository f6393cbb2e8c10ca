"""Making plans for tests, and naming whose plan each relation means for each role."""

from datetime import timedelta

from django.utils import timezone

from workplans.models import Plan

ACTORS = {"salesperson": "sales1", "supervisor": "sup1", "admin": "admin"}

# Whose plan "own / same group / other group" is, seen by each acting role.
# The admin belongs to no group: "same group" is then sales1 of Group A.
AUTHORS = {
    "salesperson": {"own": "sales1", "same_group": "sales1b", "other_group": "sales2"},
    "supervisor": {"own": "sup1", "same_group": "sales1", "other_group": "sales2"},
    "admin": {"own": "admin", "same_group": "sales1", "other_group": "sales2"},
}


def make_plan(author, *, done=False, subject=None, start=None, hours=1, **fields) -> Plan:
    start = start or timezone.now() + timedelta(hours=1)
    extra = {"status": Plan.Status.DONE, "completed_at": start, "completed_by": author} if done else {}
    return Plan.objects.create(
        author=author, subject=subject or f"plan of {author.username}", start_at=start,
        end_at=start + timedelta(hours=hours), **extra, **fields,
    )


def plan_for(cast, role, relation, *, done):
    author = getattr(cast, AUTHORS[role][relation])
    return make_plan(author, done=done, subject=f"{relation} {'done' if done else 'open'}")
