"""Reports (issue 11): supervisors within their groups, admins company-wide. Each section is a
chart with its numbers in a table; the chart is drawn by static/js/reports.js from the same
numbers (json_script), so the table is the truth and a phone without JavaScript loses nothing."""

from dataclasses import dataclass, field

from django import forms
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET

from accounts.fields import PersonChoiceField, person_choices
from accounts.policies import require, visible_sales_groups
from crm import policies, reports
from crm.models import Custody, Customer

DEFAULT_DAYS = 30


class ReportFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"), coerce=int, required=False, empty_value=DEFAULT_DAYS, initial=DEFAULT_DAYS,
    )
    group = forms.ModelChoiceField(label=gettext_lazy("Sales group"), queryset=None, required=False,
                                   empty_label=gettext_lazy("All my groups"))
    person = PersonChoiceField(label=gettext_lazy("Salesperson"), queryset=None, required=False,
                               empty_label=gettext_lazy("Everyone"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(days, _("Last %(days)d days") % {"days": days}) for days in reports.PERIOD_DAYS]
        self.fields["group"].queryset = visible_sales_groups(user)
        self.fields["person"].queryset = reports.report_people(user)
        if user.is_admin:
            self.fields["group"].empty_label = _("The whole company")

    def clean(self):
        data = super().clean()
        group, person = data.get("group"), data.get("person")
        if group and person and person.sales_group_id != group.pk:
            raise forms.ValidationError(_("That salesperson is not in that group."), code="mismatch")
        return data

    def options(self) -> list[dict]:
        """Each filter as a plain <select> (rendered by the template without widget templates:
        an admin's list of every salesperson is hundreds of options)."""
        current = {name: str(self[name].value() or "") for name in self.fields}
        current["days"] = current["days"] or str(DEFAULT_DAYS)
        lists = {
            "days": [(str(value), label) for value, label in self.fields["days"].choices],
            "group": [("", self.fields["group"].empty_label)]
            + [(str(pk), name) for pk, name in self.fields["group"].queryset.values_list("pk", "name")],
            "person": [("", self.fields["person"].empty_label)]
            + [(str(pk), name) for pk, name in person_choices(self.fields["person"].queryset)],
        }
        return [
            {"name": name, "id": f"id_{name}", "label": self.fields[name].label,
             "options": [(value, label, value == current[name]) for value, label in lists[name]]}
            for name in ("days", "group", "person")
        ]

    def choices(self) -> dict:
        """The valid filters, or the defaults (the whole scope, 30 days) when the input is bad."""
        if not self.is_valid():
            return {"days": DEFAULT_DAYS, "group": None, "person": None}
        return {"days": self.cleaned_data["days"] or DEFAULT_DAYS, "group": self.cleaned_data["group"],
                "person": self.cleaned_data["person"]}


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


def _page(request, template_key, title, build):
    """Shared shape of every report view: filter form -> scope -> sections -> page."""
    form = ReportFilterForm(request.user, request.GET or None)
    choices = form.choices()
    scope = reports.scope_for(request.user, group=choices["group"], person=choices["person"])
    sections = build(scope, choices["days"])
    for number, section in enumerate(sections):
        section.key = f"chart-{number}"
    refreshed = scope.refresh
    return render(request, "crm/report_page.html", {
        "title": title, "report": template_key, "form": form, "filters": form.options(), "sections": sections, "scope": scope,
        "days": choices["days"], "refreshed": refreshed, "reports_menu": REPORTS,
    })


# --- The reports --------------------------------------------------------------------------------


def _funnel(scope, days):
    counts = reports.by_field(scope, "type")
    total = sum(n for _value, n in counts) or 1
    labels = [Customer.Type(value).label for value, _n in counts]
    stock = Section(_("Customers by type"), [_("Type"), _("Customers"), _("Share of total")],
                    [[label, n, _percent(100 * n / total)] for label, (_v, n) in zip(labels, counts)],
                    chart=_chart("bar", labels, [(_("Customers"), [n for _v, n in counts])], horizontal=True))
    names = dict(Customer.Type.choices)
    moves = reports.type_movements(scope, reports.period_start(days))
    move_labels = [f"{names.get(old, old or '—')} → {names.get(new, new or '—')}" for old, new, _n in moves]
    movement = Section(
        _("Movement between types in the last %(days)d days") % {"days": days}, [_("Type change"), _("Customers")],
        [[label, n] for label, (_o, _w, n) in zip(move_labels, moves)],
        chart=_chart("bar", move_labels, [(_("Type changes"), [n for _o, _w, n in moves])], horizontal=True) if moves else None,
        note=_("Counted among the customers the scope holds today."),
    )
    return [stock, movement]


def _activity(scope, days):
    per_day = reports.daily_activity(scope, days)
    labels = [date_format(day, "n/j") for day, _n in per_day]  # short axis labels; the table has full dates
    daily = Section(_("Follow-ups per day"), [_("Day"), _("Follow-ups")],
                    [[date_format(day, "SHORT_DATE_FORMAT"), n] for day, n in per_day],
                    chart=_chart("bar", labels, [(_("Follow-ups"), [n for _d, n in per_day])]),
                    footer=[_("Total"), sum(n for _d, n in per_day)])
    if scope.company:
        counts = reports.activity_by_group(scope, days)
        rows = [[group.name, counts.get(group.pk, 0), number_format(counts.get(group.pk, 0) / days, 1)] for group in scope.groups]
        header = _("Sales group")
    else:
        counts = reports.activity_by_person(scope, days)
        rows = [[person.display_name, counts.get(person.pk, 0), number_format(counts.get(person.pk, 0) / days, 1)]
                for person in scope.people if person.is_active or counts.get(person.pk)]
        header = _("Salesperson")
    who = Section(_("Follow-ups per salesperson") if not scope.company else _("Follow-ups per group"),
                  [header, _("Follow-ups"), _("Per day")], rows,
                  chart=_chart("bar", [row[0] for row in rows], [(_("Follow-ups"), [row[1] for row in rows])], horizontal=True))
    return [daily, who]


DAILY_POOL_DAYS = 31  # the per-day table covers at most the last month


def _pool(scope, days):
    reasons = reports.INTO_POOL + reports.OUT_OF_POOL
    names = {reason: Custody.Reason(reason).label for reason in reasons}
    headers = [names[r] for r in reasons]

    def flows(rows, key, title, first_header, note=None):
        labels = [date_format(row[key], "SHORT_DATE_FORMAT") for row in rows]
        axis = [date_format(row[key], "n/j") for row in rows]
        datasets = [(names[reason], [row[reason] for row in rows], "in" if reason in reports.INTO_POOL else "out")
                    for reason in reasons]
        return Section(title, [first_header, *headers],
                       [[label, *[row[reason] for reason in reasons]] for label, row in zip(labels, rows)],
                       chart=_chart("bar", axis, datasets),
                       footer=[_("Total"), *[sum(row[r] for row in rows) for r in reasons]], note=note)

    weekly = flows(reports.pool_flows(scope, days), "week", _("Into and out of the pool per week"), _("Week of"),
                   note=_("Into the pool: given up, recycled, owner left. Out of it: claimed, assigned by a supervisor or admin."))
    daily_days = min(days, DAILY_POOL_DAYS)
    daily = flows(reports.pool_flows(scope, daily_days, per="day"), "day",
                  _("Into and out of the pool per day, last %(days)d days") % {"days": daily_days}, _("Day"))
    counts = reports.pool_flows_by_person(scope, days)
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
    per_owner = reports.retention(scope, days)
    per_group = reports.by_group(per_owner, scope.person_by_id(), reports.RetentionRow)
    named = [(group.name, per_group[group.pk]) for group in scope.groups if group.pk in per_group]
    if None in per_group:
        named.append((_("No group"), per_group[None]))
    total = reports.RetentionRow()
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
        counts = reports.by_field(scope, name, top=15)
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
    if field.choices:
        return str(dict(field.choices).get(value, value))
    return value or _("Not given")


REPORTS = [
    ("funnel", gettext_lazy("Sales funnel"), _funnel),
    ("activity", gettext_lazy("Follow-up activity"), _activity),
    ("pool", gettext_lazy("Pool flows"), _pool),
    ("retention", gettext_lazy("Retention"), _retention),
    ("customers", gettext_lazy("Customers by grade, source and industry"), _breakdown),
]
_BY_KEY = {key: (title, build) for key, title, build in REPORTS}


@require_GET
@require(policies.can_see_reports)
def report_index(request):
    return render(request, "crm/report_index.html", {"reports_menu": REPORTS})


def _view(key):
    @require_GET
    @require(policies.can_see_reports)
    def view(request):
        title, build = _BY_KEY[key]
        return _page(request, key, title, build)

    view.__name__ = f"report_{key}"
    return view


report_funnel = _view("funnel")
report_activity = _view("activity")
report_pool = _view("pool")
report_retention = _view("retention")
report_customers = _view("customers")
