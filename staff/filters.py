"""The FilterSets of the staff pages' lists: people (SPEC §7.2) and the audit trail. Bad values
are dropped (common.filters), never an error page."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, Filter, ModelChoiceFilter, MultipleChoiceFilter

from accounts.models import AUDIT_ACTION_LABELS, AuditEvent, User
from common.filters import ListFilterSet, noop
from common.timewindows import DayField, days_window
from staff import policies

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class FilterBarForm(forms.Form):
    """Bootstrap classes on a filter bar's inputs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "fields":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)


class DayFilter(Filter):
    """A local day (the HTML date format; far years clamped); the list applies the days itself."""

    field_class = DayField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("clamp", True)
        kwargs.setdefault("widget", DATE_INPUT)
        kwargs.setdefault("method", noop)
        super().__init__(*args, **kwargs)


def _on_days(rows, field, first, last):
    """Rows whose `field` falls on the local days `first` to `last` (either may be None)."""
    return rows.filter(**days_window(first, last).as_filter(field))


class StaffFilterSet(ListFilterSet):
    """Name (in chosen fields), group, role, active or former, date added, sort."""

    STATUS = [("active", _("Active")), ("former", _("Former staff")), ("all", _("Everyone"))]
    SORTS = {
        "name": ("full_name", "username"),
        "joined": ("-date_joined", "-id"),
        "joined_asc": ("date_joined", "id"),
        "group": ("sales_group__name", "username"),
    }
    SEARCH_FIELDS = [
        ("full_name", _("Name")),
        ("username", _("Login")),
        ("phone", _("Phone")),
        ("email", _("Email")),
        ("wechat", _("WeChat")),
        ("notes", _("Notes")),
    ]

    q = CharFilter(max_length=100, label=_("Search"), method="filter_q")
    fields = MultipleChoiceFilter(choices=SEARCH_FIELDS, label=_("Search in"), method=noop)
    group = ModelChoiceFilter(field_name="sales_group", queryset=None, label=_("Sales group"),
                              empty_label=_("All groups"))
    role = ChoiceFilter(choices=User.Role.choices, empty_label=_("Any role"), label=_("Role"))
    status = ChoiceFilter(choices=STATUS, empty_label=None, label=_("Status"), method=noop)
    joined_from = DayFilter(label=_("Added from"))
    joined_to = DayFilter(label=_("Added until"))
    sort = ChoiceFilter(label=_("Sort"), empty_label=None, method=noop, choices=[
        ("name", _("Name")), ("joined", _("Newest first")), ("joined_asc", _("Oldest first")), ("group", _("Group")),
    ])

    class Meta:
        model = User
        fields = []
        form = FilterBarForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if queryset is None:
            self.queryset = policies.staff_directory(self.user)

    def scope(self):
        self.filters["group"].queryset = policies.visible_sales_groups(self.user)

    def filter_q(self, people, name, text):
        chosen = self.valid.get("fields") or [field for field, _label in self.SEARCH_FIELDS]
        condition = Q()
        for field in chosen:
            condition |= Q(**{f"{field}__icontains": text})
        return people.filter(condition)

    def arrange(self, people, valid):
        status = valid.get("status") or "active"
        if status != "all":
            people = people.filter(is_active=status == "active")
        people = _on_days(people, "date_joined", valid.get("joined_from"), valid.get("joined_to"))
        return people.select_related("sales_group").order_by(*self.SORTS.get(valid.get("sort") or "", self.SORTS["name"]))


def _action_choices():
    # The known actions, not a DISTINCT over the whole (ever-growing) trail on every visit.
    return sorted(AUDIT_ACTION_LABELS.items(), key=lambda item: str(item[1]))


class AuditFilterSet(ListFilterSet):
    """The audit trail: what was done, by whom, on which days; newest first."""

    action = ChoiceFilter(choices=_action_choices, empty_label=_("Any action"), label=_("Action"))
    actor = ModelChoiceFilter(field_name="actor", queryset=User.objects.order_by("username"), label=_("Who"),
                              empty_label=_("Anyone"))
    date_from = DayFilter(label=_("From"))
    date_to = DayFilter(label=_("Until"))

    class Meta:
        model = AuditEvent
        fields = []
        form = FilterBarForm

    def arrange(self, events, valid):
        events = _on_days(events, "created_at", valid.get("date_from"), valid.get("date_to"))
        return events.select_related("actor").order_by("-created_at", "-id")
