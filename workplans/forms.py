from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from crm.policies import visible_customers
from crm.timewindows import CustomWindowForm, MomentField
from workplans.models import Plan
from workplans.selectors import STATUS_DONE, STATUS_OPEN, STATUS_OVERDUE

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
CUSTOMER_CHOICES_SHOWN = 300  # an admin may see a million customers: offer a bounded list


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class PlanForm(forms.ModelForm):
    """Subject, times, content, remarks and linked customers. The author and created time are
    set by the service; customer choices are the ones the author may see."""

    class Meta:
        model = Plan
        fields = ["subject", "start_at", "end_at", "content", "remarks", "customers"]
        widgets = {
            "customers": forms.SelectMultiple(attrs={"size": 6}),
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

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_at", "end_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        field = self.fields["customers"]
        field.queryset = visible_customers(author)  # what is accepted
        linked = list(self.instance.customers.values_list("pk", flat=True)) if self.instance.pk else []
        shown = (
            visible_customers(author)
            .annotate(mine=Case(When(Q(owner_id=author.pk) | Q(pk__in=linked), then=Value(0)),
                                default=Value(1), output_field=IntegerField()))
            .order_by("mine", "name", "pk")[:CUSTOMER_CHOICES_SHOWN]
        )
        field.widget.choices = [(customer.pk, str(customer)) for customer in shown]  # what is offered
        field.help_text = _("Optional. Hold Ctrl (or ⌘) to choose several.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_at"), data.get("end_at")
        if start and end and end <= start:
            self.add_error("end_at", _("The end time must be after the start time."))
        return data


class PlanFilterForm(forms.Form):
    """The list's filters: when the plan starts, its status, and (for managers) whose it is."""

    WHEN_TODAY, WHEN_WEEK, WHEN_MONTH, WHEN_CUSTOM, WHEN_ANY = "today", "week", "month", "custom", "any"
    WHEN_CHOICES = [
        (WHEN_TODAY, _("Today")),
        (WHEN_WEEK, _("This week")),
        (WHEN_MONTH, _("This month")),
        (WHEN_CUSTOM, _("Custom")),
        (WHEN_ANY, _("Any time")),
    ]
    STATUS_CHOICES = [
        ("", _("Any status")),
        (STATUS_DONE, _("Completed")),
        (STATUS_OPEN, _("Not completed")),
        (STATUS_OVERDUE, _("Overdue")),
    ]

    when = forms.ChoiceField(label=_("Starts"), choices=WHEN_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    person = forms.CharField(label=_("Salesperson"), required=False, max_length=50)

    def __init__(self, *args, show_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_person:
            del self.fields["person"]

    def value(self, name: str, default: str = "") -> str:
        return (self.cleaned_data.get(name) if self.is_valid() else None) or default


class PlanWindowForm(CustomWindowForm):
    """The custom window for plans: from/to dates only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["last_n"], self.fields["last_unit"]


class StatusForm(forms.Form):
    ACTIONS = [("complete", _("Mark completed")), ("confirm", _("Confirm")), ("reopen", _("Reopen"))]
    action = forms.ChoiceField(choices=ACTIONS)
