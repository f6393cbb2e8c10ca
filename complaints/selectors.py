"""Reads of complaints, each starting from the policy."""

from dataclasses import dataclass

from datetime import timedelta

from django.db.models import Count, F, Q

from complaints import policies
from complaints.models import ANSWER_HOURS, UNRESOLVED_STATES, Complaint, State


@dataclass
class ComplaintFilters:
    state: str = ""  # a State value, or "open"
    severity: str = ""
    overdue: bool = False
    owner_id: int | None = None
    group_id: int | None = None


def overdue_q(now) -> Q:
    """Unanswered past the response deadline, or unresolved past the resolution deadline."""
    unresolved = Q(state__in=UNRESOLVED_STATES)
    return unresolved & (Q(responded_at__isnull=True, response_due_at__lt=now) | Q(resolution_due_at__lt=now))


def complaint_list(user, filters: ComplaintFilters, now):
    complaints = policies.visible_complaints(user).select_related("customer__owner", "owner")
    if filters.state == "open":
        complaints = complaints.exclude(state=State.CLOSED)
    elif filters.state:
        complaints = complaints.filter(state=filters.state)
    if filters.severity:
        complaints = complaints.filter(severity=filters.severity)
    if filters.overdue:
        complaints = complaints.filter(overdue_q(now))
    if filters.owner_id:
        complaints = complaints.filter(customer__owner_id=filters.owner_id)
    if filters.group_id:
        complaints = complaints.filter(customer__owner__sales_group_id=filters.group_id)
    return complaints.order_by("-created_at", "-id")


def customer_complaints(user, customer, limit=20) -> list[Complaint]:
    return list(policies.visible_complaints(user).filter(customer=customer).order_by("-created_at", "-id")[:limit])


def steps_of(complaint):
    return complaint.steps.select_related("by").order_by("at", "id")


def linked_followups(complaint):
    return complaint.followups.select_related("author").order_by("-occurred_at", "-id")


def answered_in_day(user, now, days=30) -> dict:
    """The 24-hour measure over `user`'s complaints logged in the last `days` days: how many,
    and how many were answered within ANSWER_HOURS (a complaint not answered yet counts as not)."""
    recent = policies.visible_complaints(user).filter(created_at__gte=now - timedelta(days=days))
    counts = recent.aggregate(total=Count("pk"), in_day=Count("pk", filter=Q(
        responded_at__isnull=False, responded_at__lte=F("created_at") + timedelta(hours=ANSWER_HOURS))))
    counts["days"] = days
    counts["rate"] = 100 * counts["in_day"] / counts["total"] if counts["total"] else None
    return counts
