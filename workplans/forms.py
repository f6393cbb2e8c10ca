import re
from datetime import timedelta

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.timewindows import CustomWindowForm, MomentField
from crm.policies import visible_customers
from workplans.models import Plan

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
CUSTOMERS_CHOSEN_MAX = 200  # customers one plan form names at most


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _ids(values) -> list[int]:
    """The customer ids among `values` (as posted or given), at most CUSTOMERS_CHOSEN_MAX."""
    return [int(value) for value in map(str, values) if re.fullmatch(r"[0-9]{1,18}", value)][:CUSTOMERS_CHOSEN_MAX]


def next_full_hour(now=None):
    """The next full hour in the current time zone (10:20 -> 11:00): when a new plan starts."""
    local = timezone.localtime(now)
    return local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def customer_label(customer) -> str:
    return f"{customer} · {customer.company}" if customer.company else str(customer)


class CustomerPicker(forms.CheckboxSelectMultiple):
    """The plan's customers: the chosen ones ticked, and a search box that finds more as you type
    (htmx asks `search_url`; workplans/_customer_choices.html answers). No list of every customer,
    no "hold Ctrl"."""

    template_name = "workplans/widgets/customer_picker.html"
    search_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates/ (the form renderer looks only in Django's and the apps' own).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class PlanForm(forms.ModelForm):
    """Subject, times, content, remarks and linked customers. The author and created time are
    set by the service; customer choices are the ones the author may see. A new plan starts at
    the next full hour and lasts an hour unless the person changes it."""

    class Meta:
        model = Plan
        fields = ["subject", "start_at", "end_at", "content", "remarks", "customers"]
        widgets = {
            "customers": CustomerPicker,
            "start_at": DateTimeLocalInput(),
            "end_at": DateTimeLocalInput(),
            "content": forms.Textarea(attrs={"rows": 4}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"start_at": MomentField, "end_at": MomentField}
        error_messages = {
            "subject": {"required": _("Give the plan a subject.")},
            "customers": {
                "invalid_choice": _("A plan can only be linked to customers its salesperson may see."),
                "invalid_pk_value": _("A plan can only be linked to customers its salesperson may see."),
            },
        }

    def __init__(self, *args, author, viewer=None, search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_at", "end_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk is None and not self.is_bound:
            start = next_full_hour()
            self.initial.setdefault("start_at", start)
            self.initial.setdefault("end_at", start + timedelta(hours=1))
        field = self.fields["customers"]
        field.queryset = visible_customers(author)  # what is accepted
        field.widget.search_url = search_url
        field.widget.choices = [(c.pk, customer_label(c)) for c in self._chosen(author, viewer)]  # what is shown
        field.help_text = _("Optional. Type a name, company or phone number to find a customer, then tick it.")

    def _chosen(self, author, viewer):
        """The customers the form shows ticked, named only if the author (and whoever edits the
        plan) may see them: an id typed into the URL or the post never reveals a name."""
        if self.is_bound:
            wanted = self.data.getlist("customers") if hasattr(self.data, "getlist") else []
        else:
            wanted = self.initial.get("customers") or (
                list(self.instance.customers.values_list("pk", flat=True)) if self.instance.pk else [])
        ids = _ids(getattr(value, "pk", value) for value in wanted)
        if not ids:
            return []
        chosen = visible_customers(author).filter(pk__in=ids)
        if viewer is not None and viewer != author:
            chosen = chosen.filter(pk__in=visible_customers(viewer).values("pk"))
        return list(chosen.order_by("name", "pk"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_at"), data.get("end_at")
        if start and end and end <= start:
            self.add_error("end_at", _("The end time must be after the start time."))
        return data


class CustomerSearchForm(forms.Form):
    """The picker's query: the text typed, and the customers already chosen (left out of the
    answer). Bad values are dropped, never an error."""

    q = forms.CharField(required=False, max_length=100)

    def text(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    def chosen(self) -> list[int]:
        values = self.data.getlist("customers") if hasattr(self.data, "getlist") else []
        return _ids(values)


class PlanWindowForm(CustomWindowForm):
    """The custom window for plans: from/to dates only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["last_n"], self.fields["last_unit"]


class StatusForm(forms.Form):
    ACTIONS = [("complete", _("Mark completed")), ("confirm", _("Confirm")), ("reopen", _("Reopen"))]
    action = forms.ChoiceField(choices=ACTIONS)
