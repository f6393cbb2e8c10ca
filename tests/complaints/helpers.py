from datetime import datetime

from django.utils import timezone

from complaints import services
from tests.factories import CustomerFactory

SHANGHAI = timezone.get_default_timezone()


def at(text: str) -> datetime:
    """A moment in China time: at("2026-12-01 09:00")."""
    return timezone.make_aware(datetime.fromisoformat(text), SHANGHAI)


def log(owner=None, *, customer=None, by=None, now=None, severity="normal", **fields):
    customer = customer or CustomerFactory(owner=owner, created_by=owner)
    data = {"channel": "phone", "category": "product", "severity": severity, "description": "货不对板", **fields}
    return services.complaint_log(customer=customer, by=by or customer.owner, now=now, **data)
