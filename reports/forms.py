"""The filter above every report: the period, and one group or person within the reader's scope."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.fields import PersonChoiceField, person_choices
from accounts.policies import visible_sales_groups
from reports import numbers, policies

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
        self.fields["days"].choices = [(days, _("Last %(days)d days") % {"days": days}) for days in numbers.PERIOD_DAYS]
        self.fields["group"].queryset = visible_sales_groups(user)
        self.fields["person"].queryset = numbers.report_people(user)
        if policies.may_see_company(user):
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
