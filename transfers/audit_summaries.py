"""How the audit trail says, in the reader's language, what imports and exports did
(accounts.audit shows the summary stored with a row when its data cannot say more: rows from before)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import register_summary, with_detail

FORMATS = {"csv": "CSV", "xlsx": "Excel"}


def _exported(counted):
    """`counted(n)`: "n customers" in the reader's language (ngettext needs literal strings)."""
    def describe(event):
        if event.count is None or "format" not in event.data:
            return None
        return with_detail(counted(event.count), FORMATS.get(event.data["format"], event.data["format"]))
    return describe


def _imported(event):
    if event.data.get("failed") or event.summary.startswith("failed: "):
        return _("failed: %(file)s") % {"file": event.data.get("file") or event.summary.removeprefix("failed: ")}
    return None  # the file's name


register_summary("customers.export", _exported(
    lambda n: ngettext("%(count)s customer", "%(count)s customers", n) % {"count": n}))
register_summary("followups.export", _exported(
    lambda n: ngettext("%(count)s follow-up", "%(count)s follow-ups", n) % {"count": n}))
register_summary("plans.export", _exported(lambda n: ngettext("%(count)s plan", "%(count)s plans", n) % {"count": n}))
register_summary("customers.import", _imported)
