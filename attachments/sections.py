"""The files panel on a customer's, a follow-up's, a deal's and a complaint's page (through each
app's section hook: crm, deals and complaints never import attachments)."""

from django.conf import settings

from attachments import detection, policies


def _section(user, kind: str, record) -> dict | None:
    if not policies.may_use_attachments(user):
        return None
    return {
        "kind": kind, "record": record,
        "attachments": list(policies.attachments_on(user, kind, record).select_related("uploaded_by")
                            .order_by("-uploaded_at", "-pk")),
        "removed": list(policies.removed_attachments_on(user, kind, record).order_by("-removed_at")),
        "may_attach": policies.may_attach(user, kind, record),
        "accept": detection.ACCEPT,
        "max_bytes": settings.ATTACHMENTS_MAX_BYTES,
        "retention_days": settings.ATTACHMENTS_RETENTION_DAYS,
    }


def customer_section(user, customer) -> dict | None:
    return _section(user, "customer", customer)


def followup_section(user, followup) -> dict | None:
    return _section(user, "followup", followup)


def deal_section(user, deal) -> dict | None:
    return _section(user, "deal", deal)


def complaint_section(user, complaint) -> dict | None:
    return _section(user, "complaint", complaint)
