"""How the audit trail says, in the reader's language, what the staff pages did (accounts.audit
shows the summary stored with a row when its data cannot say more: rows from before), and the
bulk moves of customers from the customer list (to the pool, to a colleague)."""

from django.utils.translation import gettext as _

from accounts.audit import register_summary


def _offboarded(event):
    data = event.data
    if "name" not in data or event.count is None:
        return None
    return _("%(name)s offboarded: %(customers)d customers moved (%(pool)d to the pool), %(plans)d plans "
             "and %(suggestions)d signed suggestions removed") % {
        "name": data["name"], "customers": event.count, "pool": data.get("to_pool", 0),
        "plans": data.get("plans", 0), "suggestions": data.get("signed_suggestions", 0)}


register_summary("staff.offboard", _offboarded)


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
