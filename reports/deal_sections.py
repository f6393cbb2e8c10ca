"""The deals report's sections (issue 22): each a chart with its numbers in a table (the page and
the Excel export show the same rows). Amounts are CNY with two decimals."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from companylists import lists
from deals.models import LostReason, Stage
from reports import deal_numbers
from reports.sections import Section, _chart, _percent

TOP = 15  # rows of the industry breakdown before "other industries"


def _money(value) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def _share(part, whole) -> str:
    return _percent(round(float(100 * part / whole), 1) if whole else None)


def _funnel(rows):
    open_stages = list(Stage.objects.filter(active=True, kind=Stage.Kind.OPEN).order_by("order", "id"))
    won = Stage.objects.filter(kind=Stage.Kind.WON).order_by("-active", "order", "id").first()
    if won is None:
        return None
    steps = deal_numbers.funnel(rows, open_stages, won)
    labels = [step.stage.name for step in steps]
    return Section(
        _("Funnel by stage"), [_("Stage"), _("Deals"), _("Amount (CNY)"), _("Conversion from the stage before")],
        [[step.stage.name, step.deals, _money(step.amount), _percent(step.conversion)] for step in steps],
        chart=_chart("bar", labels, [(_("Deals"), [step.deals for step in steps])], horizontal=True),
        note=_("Deals opened in the period, counted at every stage they reached (a deal further on passed "
               "through the stages before it); amounts are the deals' amounts."),
    ) if any(step.deals for step in steps) else Section(_("Funnel by stage"), [_("Stage")], [])


def _key_figures(total):
    rows = [
        [_("Deals won"), total.won],
        [_("Deals lost"), total.lost],
        [_("Win rate"), _percent(total.win_rate)],
        [_("Revenue (CNY)"), _money(total.revenue)],
        [_("Average deal size (CNY)"), _money(total.average_size) if total.average_size is not None else "—"],
        [_("Average days from first contact to won"),
         "—" if total.average_days is None else total.average_days],
    ]
    return Section(_("Won and lost"), [_("Figure"), _("Value")], rows if total.won or total.lost else [],
                   chart=_chart("doughnut", [_("Won"), _("Lost")], [(_("Deals"), [total.won, total.lost])]),
                   note=_("Win rate: won out of the deals won or lost in the period. First contact: the customer's "
                          "first follow-up, or when it was added if that was earlier."))


def _lost(rows):
    names = {reason.pk: reason.name for reason in LostReason.objects.all()}
    reasons = sorted(deal_numbers.lost_by_reason(rows).items(), key=lambda item: (-item[1][0], item[0] or 0))
    total = sum(deals for _id, (deals, _amount) in reasons)
    table = [[names.get(pk, _("Not given")), deals, _money(amount), _share(deals, total)]
             for pk, (deals, amount) in reasons]
    return Section(_("Lost reasons"), [_("Reason"), _("Deals"), _("Amount (CNY)"), _("Share of total")], table,
                   chart=_chart("doughnut", [row[0] for row in table], [(_("Deals"), [row[1] for row in table])]))


def _revenue_section(title, header, named, *, chart="bar", horizontal=False):
    total = sum((revenue for _name, (_deals, revenue) in named), Decimal("0"))
    table = [[name, deals, _money(revenue), _share(revenue, total)] for name, (deals, revenue) in named]
    return Section(title, [header, _("Deals won"), _("Revenue (CNY)"), _("Share of total")], table,
                   chart=_chart(chart, [row[0] for row in table], [(_("Revenue (CNY)"), [float(row[2]) for row in table])],
                                horizontal=horizontal),
                   footer=[_("Total"), sum(row[1] for row in table), _money(total), ""] if table else [])


def _by_month(rows):
    months = sorted(deal_numbers.revenue_by(rows.won, deal_numbers.month_of).items())
    return _revenue_section(_("Revenue by month"), _("Month"),
                            [(date_format(month, "YEAR_MONTH_FORMAT"), value) for month, value in months])


def _by_person(rows, scope):
    per_owner = deal_numbers.revenue_by(rows.won, lambda row: row["owner_id"])
    people = scope.person_by_id()
    named = sorted(((people[pk].display_name if pk in people else _("Former or other staff"), value)
                    for pk, value in per_owner.items()), key=lambda item: -item[1][1])
    return _revenue_section(_("Revenue by salesperson"), _("Salesperson"), named[:50], horizontal=True)


def _by_group(rows, scope):
    people = scope.person_by_id()
    groups = {group.pk: group.name for group in scope.groups}

    def group_of(row):
        person = people.get(row["owner_id"])
        return person.sales_group_id if person else None

    per_group = deal_numbers.revenue_by(rows.won, group_of)
    named = sorted(((groups.get(pk, _("No group")), value) for pk, value in per_group.items()),
                   key=lambda item: -item[1][1])
    return _revenue_section(_("Revenue by group"), _("Sales group"), named, horizontal=True)


def _by_industry(rows):
    per = sorted(deal_numbers.revenue_by(rows.won_by_industry, lambda row: row["industry"] or "").items(), key=lambda item: -item[1][1])
    named = [(industry or _("Not given"), value) for industry, value in per[:TOP]]
    if len(per) > TOP:
        named.append((_("Other industries"), [sum(v[0] for _i, v in per[TOP:]),
                                              sum((v[1] for _i, v in per[TOP:]), Decimal("0"))]))
    return _revenue_section(_("Revenue by industry"), _("Industry"), named, horizontal=True)


def _by_source(rows):
    per = sorted(deal_numbers.revenue_by(rows.won_by_source, lambda row: row["source"] or "").items(), key=lambda item: -item[1][1])
    return _revenue_section(_("Revenue by source"), _("Source"),
                            [(lists.label(lists.SOURCE, source) if source else _("Not given"), value) for source, value in per],
                            chart="doughnut")


def deal_report(scope, days):
    """Every section of the deals report for `scope` over the last `days` days."""
    rows = deal_numbers.deal_rows(scope, days)
    sections = [_funnel(rows), _key_figures(deal_numbers.totals(rows)), _lost(rows), _by_month(rows),
                _by_person(rows, scope), _by_group(rows, scope), _by_industry(rows), _by_source(rows)]
    return [section for section in sections if section is not None], rows.as_of
