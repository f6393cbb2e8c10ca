"""How the complaint notifications read (registered in notifications.kinds)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from notifications.models import Kind


@dataclass
class Text:  # the same shape as notifications.kinds.Text
    title: str
    lines: list[str] = field(default_factory=list)


def _facts(params) -> list[str]:
    return [_("%(category)s, %(severity)s: %(summary)s") % {
        "category": params.get("category", ""), "severity": params.get("severity", ""),
        "summary": params.get("summary", "")}]


def _new(params) -> Text:
    return Text(_("%(customer)s complained: respond by %(due)s") % {
        "customer": params.get("customer", ""), "due": params.get("due", "")}, _facts(params))


def _late(params) -> Text:
    if params.get("passed"):
        title = _("Not answered in time: %(customer)s's complaint was due for a response at %(due)s")
    else:
        title = _("Due soon: %(customer)s's complaint needs a response by %(due)s")
    lines = [_("Salesperson: %(owner)s") % {"owner": params.get("owner", "")}, *_facts(params)]
    return Text(title % {"customer": params.get("customer", ""), "due": params.get("due", "")}, lines)


def _overdue(params) -> Text:
    return Text(_("Not resolved in time: %(customer)s's complaint was due to be resolved at %(due)s") % {
        "customer": params.get("customer", ""), "due": params.get("due", "")},
        [_("Salesperson: %(owner)s") % {"owner": params.get("owner", "")}, *_facts(params)])


WORDING = {Kind.COMPLAINT_NEW: _new, Kind.COMPLAINT_ESCALATED: _late, Kind.COMPLAINT_OVERDUE: _overdue}
