"""How the reminders of issue 24 read: plans starting soon or overdue, replies to one's signed
suggestion and to one's board message, the supervisors' group digest, birthdays and anniversaries. Worded when
shown or sent, in the active language, from the facts kept at creation (`params`); each returns
(title, lines) and notifications.kinds makes them its Text."""

from django.utils.translation import gettext as _

from notifications.models import Kind

NAMES_SHOWN = 10
EXCERPT = 200  # characters of a reply quoted in its notification


def _joined(names) -> str:
    shown = list(names[:NAMES_SHOWN])
    more = len(names) - len(shown)
    return "、".join(shown) + (_("… and %(count)d more") % {"count": more} if more > 0 else "")


def _plan_soon(params):
    return _("Your plan starts at %(time)s: %(subject)s") % {"time": params.get("at", ""),
                                                              "subject": params.get("subject", "")}, []


def _plan_overdue(params):
    return (_("Your plan is overdue: %(subject)s") % {"subject": params.get("subject", "")},
            [_("It ended at %(time)s and is not marked completed.") % {"time": params.get("at", "")}])


def _suggestion_reply(params):
    return (_("%(by)s replied to your suggestion “%(title)s”") % {"by": params.get("by", ""),
                                                                  "title": params.get("title", "")},
            [params.get("excerpt", "")])


def _board_reply(params):
    return (_("%(by)s replied to your board message “%(title)s”") % {"by": params.get("by", ""),
                                                                      "title": params.get("title", "")},
            [params.get("excerpt", "")])


def _group_digest(params):
    title = _("Your group today: overdue VIPs %(vip)d, back to the pool soon %(recycle)d, overdue plans %(plans)d") % {
        "vip": params.get("overdue_vip", 0), "recycle": params.get("recycle", 0), "plans": params.get("overdue_plans", 0)}
    lines = []
    if params.get("vip_names"):
        lines.append(_("Overdue VIPs: %(names)s") % {"names": _joined(params["vip_names"])})
    if params.get("recycle_names"):
        lines.append(_("Back to the pool within %(days)d days: %(names)s") % {
            "days": params.get("within_days", 3), "names": _joined(params["recycle_names"])})
    if params.get("plan_people"):
        lines.append(_("Overdue plans: %(people)s") % {
            "people": _joined([f"{name} {count}" for name, count in params["plan_people"]])})
    if params.get("claim_limit"):
        lines.append(_("Reached the daily claim limit (%(limit)d) yesterday: %(names)s") % {
            "limit": params.get("limit", 0), "names": _joined(params["claim_limit"])})
    if params.get("over_cap"):
        lines.append(_("Hold more customers than allowed (%(cap)d): %(names)s") % {
            "cap": params.get("cap", 0), "names": _joined(params["over_cap"])})
    return title, lines


def _when(params) -> str:
    days = params.get("days", 0)
    if not days:
        return _("today")
    return _("on %(date)s (in %(days)d days)") % {"date": params.get("on", ""), "days": days}


def _birthday(params):
    title = _("Birthdays %(when)s: %(count)d contacts at your customers") % {
        "when": _when(params), "count": params.get("count", 0)}
    lines = [_("%(contact)s of %(customer)s") % {"contact": item.get("contact", ""), "customer": item.get("name", "")}
             for item in params.get("items", [])]
    return title, lines + _more(params)


def _anniversary(params):
    title = _("Anniversaries %(when)s: %(count)d customers") % {"when": _when(params),
                                                                 "count": params.get("count", 0)}
    lines = [_("%(customer)s: %(years)d years since the first signed deal") % {
        "customer": item.get("name", ""), "years": item.get("years", 0)} for item in params.get("items", [])]
    return title, lines + _more(params)


def _more(params) -> list[str]:
    more = params.get("count", 0) - len(params.get("items", []))
    return [_("… and %(count)d more") % {"count": more}] if more > 0 else []


WORDING = {Kind.BIRTHDAY: _birthday, Kind.ANNIVERSARY: _anniversary, Kind.PLAN_SOON: _plan_soon, Kind.PLAN_OVERDUE: _plan_overdue, Kind.SUGGESTION_REPLY: _suggestion_reply,
           Kind.BOARD_REPLY: _board_reply, Kind.GROUP_DIGEST: _group_digest}
