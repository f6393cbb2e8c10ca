"""How often a customer is to be contacted, by grade (SPEC §2, §9): the company's grade list
(companylists.Grade, edited on its settings page; CRM_CADENCE_*_DAYS only seeded it)."""

from datetime import timedelta

from django.utils import timezone

from companylists import grades
from companylists.grades import cadence_days

__all__ = ["cadence_days", "default_next_contact"]

# A company that deleted every grade still claims and logs: a month, the seeded normal grade's.
EMPTY_LIST_CADENCE_DAYS = 30


def default_next_contact(grade: str, *, after=None):
    """The next contact date a grade's cadence asks for (seeded: VIP every 7 days, normal every 30)."""
    start = timezone.localdate(after) if after else timezone.localdate()
    return start + timedelta(days=cadence_days(grade) if grades.all_grades() else EMPTY_LIST_CADENCE_DAYS)
