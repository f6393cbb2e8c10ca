"""How the audit trail says, in the reader's language, what happened to a file."""

from django.utils.translation import gettext as _

from accounts.audit import register_summary


def _removed(event):
    name = event.data.get("name")
    return _("Removed the file %(name)s") % {"name": name} if name else None


def _restored(event):
    name = event.data.get("name")
    return _("Put back the file %(name)s") % {"name": name} if name else None


def _purged(event):
    if event.count is None:
        return None
    return _("%(count)d removed files deleted for good") % {"count": event.count}


register_summary("attachments.remove", _removed)
register_summary("attachments.restore", _restored)
register_summary("attachments.purge", _purged)
