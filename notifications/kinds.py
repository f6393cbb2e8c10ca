"""How each kind of notification reads: worded when shown or sent, in the active language, from
the facts kept at creation (`params`). Returns a title and body lines (plain text; the channels
add their own markup)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications import complaint_wording
from notifications import reminder_kinds
from notifications.models import Kind

NAMES_SHOWN = 10  # customers named in one notification; the rest are counted


@dataclass
class Text:
    title: str
    lines: list[str] = field(default_factory=list)


def _names(names: list[str], total: int) -> list[str]:
    lines = list(names[:NAMES_SHOWN])
    if total > len(lines):
        lines.append(_("… and %(count)d more") % {"count": total - len(lines)})
    return lines


def _handover(params) -> Text:
    count = params.get("count", 0)
    if params.get("by"):
        title = ngettext("%(count)d customer was handed to you by %(by)s",
                         "%(count)d customers were handed to you by %(by)s", count) % {"count": count, "by": params["by"]}
    else:  # the system (e.g. a colleague's offboarding run by a job)
        title = ngettext("%(count)d customer was handed to you", "%(count)d customers were handed to you",
                         count) % {"count": count}
    return Text(title, _names(params.get("names", []), count))


def _shared(params) -> Text:
    title = _("%(owner)s shared the customer %(customer)s with you") % {
        "owner": params.get("owner", ""), "customer": params.get("customer", "")}
    line = _("You may view it and log follow-ups.") if params.get("cofollow") else _("You may view it.")
    return Text(title, [line])


def _recycle_reason(item) -> str:
    if item.get("rule") == "probation":
        return _("not contacted since it was claimed (%(hours)d hours allowed)") % {"hours": item.get("hours", 0)}
    return _("no contact for %(days)d days") % {"days": item.get("days", 0)}


def _recycle_soon(params) -> Text:
    count = params.get("count", 0)
    title = ngettext("%(count)d of your customers goes back to the pool within %(days)d days",
                     "%(count)d of your customers go back to the pool within %(days)d days", count) % {
        "count": count, "days": params.get("within_days", 3)}
    lines = [_("%(customer)s on %(date)s: %(reason)s") % {"customer": item.get("name", ""), "date": item.get("on", ""),
                                                           "reason": _recycle_reason(item)}
             for item in params.get("customers", [])]
    return Text(title, _names(lines, count))


def _digest(params) -> Text:
    visits, plans = params.get("visits", 0), params.get("plans", 0)
    overdue = params.get("overdue", {})
    title = _("Your day: %(visits)d customers to visit, %(overdue)d overdue, %(plans)d plans") % {
        "visits": visits, "overdue": sum(overdue.values()), "plans": plans}
    lines = []
    if params.get("visit_names"):
        lines.append(_("To visit today: %(names)s") % {"names": "、".join(params["visit_names"][:NAMES_SHOWN])})
    if overdue:
        lines.append(_("Overdue: %(vip)d VIP, %(normal)d normal") % {"vip": overdue.get("vip", 0),
                                                                     "normal": overdue.get("normal", 0)})
    for plan in params.get("plan_list", [])[:NAMES_SHOWN]:
        lines.append(_("Plan at %(time)s: %(subject)s") % {"time": plan.get("at", ""), "subject": plan.get("subject", "")})
    for deal in params.get("deal_list", [])[:NAMES_SHOWN]:
        lines.append(_("Deal expected to close on %(date)s: %(title)s") % {"date": deal.get("on", ""),
                                                                             "title": deal.get("title", "")})
    if params.get("birthdays"):
        lines.append(_("Birthdays today: %(names)s") % {"names": "、".join(params["birthdays"])})
    if params.get("anniversaries"):
        lines.append(_("Anniversaries today: %(names)s") % {"names": "、".join(
            _("%(customer)s (%(years)d years)") % {"customer": name, "years": years}
            for name, years in params["anniversaries"])})
    return Text(title, lines)


_WORDING = {Kind.HANDOVER: _handover, Kind.SHARED: _shared, Kind.RECYCLE_SOON: _recycle_soon, Kind.DIGEST: _digest,
            # reminder_kinds words its kinds as (title, lines): it cannot import Text from here.
            **{kind: (lambda params, word=word: Text(*word(params))) for kind, word in reminder_kinds.WORDING.items()}}
_WORDING.update(complaint_wording.WORDING)  # complaints (issue 25): notifications/complaint_wording.py


def text(notification) -> Text:
    """The notification's words in the active language."""
    wording = _WORDING.get(notification.kind)
    return wording(notification.params or {}) if wording else Text(notification.get_kind_display())
