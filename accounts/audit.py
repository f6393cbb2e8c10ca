"""Write the audit trail: who did what, when, to how many."""

from accounts.models import AuditEvent


def record(*, actor, action: str, summary: str = "", count: int | None = None, **data) -> AuditEvent:
    """Append one audit event. `action` is a short dotted name such as "customers.export"."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, summary=summary[:255], count=count, data=data
    )
