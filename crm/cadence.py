"""How often a customer is to be contacted, by grade (SPEC §2; CRM_CADENCE_*_DAYS)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from crm.models import Customer


def cadence_days(grade: str) -> int:
    return settings.CRM_FOLLOWUP_CADENCE_DAYS.get(grade, settings.CRM_FOLLOWUP_CADENCE_DAYS[Customer.Grade.NORMAL])


def default_next_contact(grade: str, *, after=None):
    """The next contact date a grade's cadence asks for (VIP every 7 days, normal every 30)."""
    start = timezone.localdate(after) if after else timezone.localdate()
    return start + timedelta(days=cadence_days(grade))
