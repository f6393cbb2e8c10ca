"""The sections of each report: a chart with its numbers in a table. The chart is drawn by
static/js/reports.js from the same numbers (json_script), so the table is the truth and a phone
without JavaScript loses nothing."""

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companylists import grades, lists
from crm.models import Custody, Customer
from complaints.models import Category, Severity
from reports import complaint_numbers, numbers


@dataclass
class Section:
    title: str
    headers: list
    rows: list  # first cell a label, the others numbers (or text such as a percentage)
    chart: dict | None = None
    note: str = ""
    key: str = ""
    footer: list = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Tables of more than three columns go below their chart, not beside it."""
        return len(self.headers) > 3


def _chart(kind, labels, datasets, **options) -> dict:
    """Chart.js input: datasets are (label, numbers) or (label, numbers, stack name)."""
    sets = [{"label": str(entry[0]), "data": entry[1], **({"stack": entry[2]} if len(entry) > 2 else {})}
            for entry in datasets]
    return {"type": kind, "labels": [str(label) for label in labels], "datasets": sets, **options}


def _percent(value) -> str:
    return "—" if value is None else f"{number_format(value, 1)}%"


# --- The reports --------------------------------------------------------------------------------


def _funnel(scope, days):
    counts = numbers.by_field(scope, "type")
    total = sum(n for _value, n in counts) or 1
    labels = [Customer.Type(value).label for value, _n in counts]
    stock = Section(_("Customers by type"), [_("Type"), _("Customers"), _("Share of total")],
                    [[label, n, _percent(100 * n / total)] for label, (_v, n) in zip(labels, counts)],
                    chart=_chart("bar", labels, [(_("Customers"), [n for _v, n in counts])], horizontal=True))
    names = dict(Customer.Type.choices)
    moves = numbers.type_movements(scope, numbers.period_start(days))
    move_labels = [f"{names.get(old, old or '—')} → {names.get(new, new or '—')}" for old, new, _n in moves]
    movement = Section(
        _("Movement between types in the last %(days)d days") % {"days": days}, [_("Type change"), _("Customers")],
        [[label, n] for label, (_o, _w, n) in zip(move_labels, moves)],
        chart=_chart("bar", move_labels, [(_("Type changes"), [n for _o, _w, n in moves])], horizontal=True) if moves else None,
        note=_("Counted among the customers the scope holds today."),
    )
    return [stock, movement]


def _activity(scope, days):
    per_day = numbers.daily_activity(scope, days)
    labels = [date_format(day, "n/j") for day, _n in per_day]  # short axis labels; the table has full dates
    daily = Section(_("Follow-ups per day"), [_("Day"), _("Follow-ups")],
                    [[date_format(day, "SHORT_DATE_FORMAT"), n] for day, n in per_day],
                    chart=_chart("bar", labels, [(_("Follow-ups"), [n for _d, n in per_day])]),
                    footer=[_("Total"), sum(n for _d, n in per_day)])
    if scope.company:
        counts = numbers.activity_by_group(scope, days)
        rows = [[group.name, counts.get(group.pk, 0), number_format(counts.get(group.pk, 0) / days, 1)] for group in scope.groups]
        header = _("Sales group")
    else:
        counts = numbers.activity_by_person(scope, days)
        rows = [[person.display_name, counts.get(person.pk, 0), number_format(counts.get(person.pk, 0) / days, 1)]
                for person in scope.people if person.is_active or counts.get(person.pk)]
        header = _("Salesperson")
    who = Section(_("Follow-ups per salesperson") if not scope.company else _("Follow-ups per group"),
                  [header, _("Follow-ups"), _("Per day")], rows,
                  chart=_chart("bar", [row[0] for row in rows], [(_("Follow-ups"), [row[1] for row in rows])], horizontal=True))
    return [daily, who]


DAILY_POOL_DAYS = 31  # the per-day table covers at most the last month


def _pool(scope, days):
    reasons = numbers.INTO_POOL + numbers.OUT_OF_POOL
    names = {reason: Custody.Reason(reason).label for reason in reasons}
    headers = [names[r] for r in reasons]

    def flows(rows, key, title, first_header, note=None):
        labels = [date_format(row[key], "SHORT_DATE_FORMAT") for row in rows]
        axis = [date_format(row[key], "n/j") for row in rows]
        datasets = [(names[reason], [row[reason] for row in rows], "in" if reason in numbers.INTO_POOL else "out")
                    for reason in reasons]
        return Section(title, [first_header, *headers],
                       [[label, *[row[reason] for reason in reasons]] for label, row in zip(labels, rows)],
                       chart=_chart("bar", axis, datasets),
                       footer=[_("Total"), *[sum(row[r] for row in rows) for r in reasons]], note=note)

    weekly = flows(numbers.pool_flows(scope, days), "week", _("Into and out of the pool per week"), _("Week of"),
                   note=_("Into the pool: given up, recycled, owner left. Out of it: claimed, assigned by a supervisor or admin."))
    daily_days = min(days, DAILY_POOL_DAYS)
    daily = flows(numbers.pool_flows(scope, daily_days, per="day"), "day",
                  _("Into and out of the pool per day, last %(days)d days") % {"days": daily_days}, _("Day"))
    counts = numbers.pool_flows_by_person(scope, days)
    if scope.company:
        named = [(group.name, counts.get(group.pk, {})) for group in scope.groups]
        if counts.get(None):
            named.append((_("No group"), counts[None]))
        title, first = _("Into and out of the pool per group"), _("Sales group")
    else:
        named = [(person.display_name, counts.get(person.pk, {})) for person in scope.people
                 if person.is_active or counts.get(person.pk)]
        title, first = _("Into and out of the pool per salesperson"), _("Salesperson")
    rows = [[name, *[row.get(reason, 0) for reason in reasons]] for name, row in named]
    who = Section(title, [first, *headers], rows,
                  footer=[_("Total"), *[sum(row[i + 1] for row in rows) for i in range(len(reasons))]],
                  note=_("Into the pool is counted for whoever held the customer (the previous owner); out of it, "
                         "for whoever received it."))
    return [weekly, daily, who]


def _retention_section(title, header, named_rows, **extra):
    rows = [[name, row.held_at_start, row.gave_up, row.recycled, row.kept, _percent(row.rate)] for name, row in named_rows]
    headers = [header, _("Held at the start"), _("Given up"), _("Recycled"), _("Still held"), _("Retention")]
    chart = _chart("bar", [name for name, _row in named_rows], [(_("Retention %"), [row.rate for _name, row in named_rows])],
                   horizontal=True, percent=True)
    return Section(title, headers, rows, chart=chart, **extra)


def _retention(scope, days):
    per_owner = numbers.retention(scope, days)
    per_group = numbers.by_group(per_owner, scope.person_by_id(), numbers.RetentionRow)
    named = [(group.name, per_group[group.pk]) for group in scope.groups if group.pk in per_group]
    if None in per_group:
        named.append((_("No group"), per_group[None]))
    total = numbers.RetentionRow()
    for row in per_owner.values():
        total.add(row)
    sections = [_retention_section(
        _("Retention per group"), _("Sales group"), named,
        footer=[_("Total"), total.held_at_start, total.gave_up, total.recycled, total.kept, _percent(total.rate)],
        note=_("Retention: the share of the customers held at the start of the period that were not given up "
               "or recycled by its end."),
    )]
    if not scope.company:
        people = [(person.display_name, per_owner[person.pk]) for person in scope.people if person.pk in per_owner]
        sections.append(_retention_section(_("Retention per salesperson"), _("Salesperson"), people))
    return sections


def _breakdown(scope, days):
    sections = []
    for name, title in (("grade", _("Customers by grade")), ("source", _("Customers by source")),
                        ("industry", _("Customers by industry"))):
        counts = numbers.by_field(scope, name, top=15)
        field = Customer._meta.get_field(name)
        labels = [_label_of(field, value) for value, _n in counts]
        total = sum(n for _v, n in counts) or 1
        sections.append(Section(
            title, [field.verbose_name.capitalize(), _("Customers"), _("Share of total")],
            [[label, n, _percent(100 * n / total)] for label, (_v, n) in zip(labels, counts)],
            chart=_chart("doughnut" if name != "industry" else "bar", labels, [(_("Customers"), [n for _v, n in counts])],
                         horizontal=name == "industry"),
        ))
    return sections


def _label_of(field, value) -> str:
    if value == "\x00other":
        return _("Other industries")
    if field.name == "grade":
        return grades.label(value)
    if field.name == "source":  # the company's sources, a retired one too
        return lists.label(lists.SOURCE, value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    return value or _("Not given")


def _hours(value) -> str:
    return "—" if value is None else _("%(hours)s h") % {"hours": number_format(value, 1)}


def _complaint_row(label, row):
    return [label, row.complaints, _percent(row.in_day_rate), _hours(row.median_respond), _hours(row.median_resolve)]


def _complaints(scope, days):
    since = numbers.period_start(days)
    headers = [_("Complaints"), _("Answered within 24 h"), _("Median time to respond"), _("Median time to resolve")]
    who = "group" if scope.company else "owner"
    found = complaint_numbers.stats(scope, since, ["category", "severity", who])
    sections = []
    for by, title, header, names in (("category", _("Complaints by category"), _("Category"), dict(Category.choices)),
                                     ("severity", _("Complaints by severity"), _("Severity"), dict(Severity.choices))):
        labels = [str(names.get(key, key)) for key in found[by]]
        rows = found[by].values()
        sections.append(Section(title, [header, *headers], [_complaint_row(label, row) for label, row in zip(labels, rows)],
                                chart=_chart("bar", labels, [(_("Complaints"), [row.complaints for row in rows])],
                                             horizontal=True)))
    if scope.company:
        names = {group.pk: group.name for group in scope.groups}
        title, header = _("Complaints per group"), _("Sales group")
    else:
        names = {person.pk: person.display_name for person in scope.people}
        title, header = _("Complaints per salesperson"), _("Salesperson")
    labels = [names.get(key) or _("No group") for key in found[who]]
    rows = found[who].values()
    sections.append(Section(
        title, [header, *headers], [_complaint_row(label, row) for label, row in zip(labels, rows)],
        chart=_chart("bar", labels, [(_("Answered within 24 h (%)"), [row.in_day_rate for row in rows])],
                     horizontal=True, percent=True),
        footer=_complaint_row(_("Total"), found["all"])))
    stayed = complaint_numbers.retention(scope, since)
    rows = [[label, row.customers, row.stayed, _percent(row.rate)] for label, row in
            ((_("First complaint answered within 24 h"), stayed["in_day"]), (_("Answered later, or not yet"), stayed["later"]))]
    sections.append(Section(
        _("Did the customers who complained stay?"), [_("Customers who complained"), _("Customers"), _("Stayed"), _("Share stayed")],
        rows, chart=_chart("bar", [row[0] for row in rows], [(_("Share stayed (%)"), [stayed["in_day"].rate, stayed["later"].rate])],
                           percent=True),
        note=_("The source material says 96 in 100 complainers stay when answered within 24 hours; these are our own "
               "numbers. Stayed: still held by a salesperson (not in the pool) and not suspended, today.")))
    return sections


REPORTS = [
    ("funnel", gettext_lazy("Sales funnel"), _funnel),
    ("activity", gettext_lazy("Follow-up activity"), _activity),
    ("pool", gettext_lazy("Pool flows"), _pool),
    ("retention", gettext_lazy("Retention"), _retention),
    ("customers", gettext_lazy("Customers by grade, source and industry"), _breakdown),
    ("complaints", gettext_lazy("Complaints"), _complaints),
    ("deals", gettext_lazy("Deals and revenue"), None),  # its own view: reports.views.report_deals
]
BY_KEY = {key: (title, build) for key, title, build in REPORTS}
