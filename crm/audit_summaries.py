"""How the audit trail says, in the reader's language, what crm's actions did (accounts.audit
shows the summary stored with a row when its data cannot say more: rows from before). Imports
and exports describe theirs in transfers/audit_summaries.py."""

from django.utils.translation import gettext as _

from accounts.audit import register_summary


def _to_pool(event):
    if event.count is None:
        return None
    return _("%(count)d customers moved to the pool") % {"count": event.count}


def _reassigned(event):
    if event.count is None or not event.data.get("to_name"):
        return None
    return _("%(count)d customers reassigned to %(name)s") % {"count": event.count, "name": event.data["to_name"]}


register_summary("customers.to_pool", _to_pool)
register_summary("customers.reassign", _reassigned)
