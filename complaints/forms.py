from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.timewindows import DayField
from complaints.models import MAX_TEXT, Complaint, Severity, State
from complaints.selectors import ComplaintFilters


class DateInput(forms.DateInput):
    """An HTML date input, in the machine format whatever the language (2027-01-03)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


TOO_LONG = _("At most %(limit_value)d characters (this has %(show_value)d).")


class ComplaintForm(forms.ModelForm):
    resolve_by = DayField(label=_("Resolve by (optional)"), required=False, widget=DateInput(),
                          help_text=_("Leave empty to use the company's deadline for this severity."))

    class Meta:
        model = Complaint
        fields = ["channel", "category", "severity", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT})}
        error_messages = {"description": {"max_length": TOO_LONG}}

    def __init__(self, *args, accept=None, **kwargs):
        """`accept`: the types an app storing files takes (complaints.hooks.file_accept), which
        adds a photo (the phone's camera) and a file; None: no file fields."""
        super().__init__(*args, **kwargs)
        if accept is not None:
            self.fields["photo"] = forms.FileField(
                label=_("Photo (optional)"), required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
            self.fields["file"] = forms.FileField(
                label=_("File (optional)"), required=False, widget=forms.ClearableFileInput(attrs={"accept": accept}),
                help_text=_("Photos, PDF, Word, Excel or PowerPoint. If a file is refused, nothing is saved: "
                            "the complaint is logged with its files or not at all."))

    def files_given(self) -> list:
        return [self.cleaned_data[name] for name in ("photo", "file") if self.cleaned_data.get(name)]


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=State.choices)
    seen_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
                           error_messages={"max_length": TOO_LONG})
    followups = forms.ModelMultipleChoiceField(label=_("Answered by these follow-ups"), required=False,
                                               queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, followups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followups"].queryset = followups
        self.fields["followups"].label_from_instance = _followup_label


class LinkForm(forms.Form):
    prefix = "link"  # beside MoveForm on the same page: ids and names of its own
    followups = forms.ModelMultipleChoiceField(label=_("Answered by these follow-ups"), required=False,
                                               queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, followups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followups"].queryset = followups
        self.fields["followups"].label_from_instance = _followup_label


def _followup_label(followup) -> str:
    return f"{timezone.localtime(followup.occurred_at):%Y-%m-%d %H:%M} · {followup.subject}"


class FilterForm(forms.Form):
    STATES = [("", _("All")), ("open", _("Open")), *State.choices]

    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    owner = forms.ModelChoiceField(label=_("Salesperson"), required=False, queryset=None)
    group = forms.ModelChoiceField(label=_("Group"), required=False, queryset=None)

    def __init__(self, *args, owners, groups, show_people, **kwargs):
        super().__init__(*args, **kwargs)
        if show_people:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda user: user.display_name
            self.fields["group"].queryset = groups
        else:
            del self.fields["owner"], self.fields["group"]

    def filters(self) -> ComplaintFilters:
        """The valid filters; a bad value is ignored (a list always opens)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ComplaintFilters(state=data.get("state") or "", severity=data.get("severity") or "",
                                overdue=bool(data.get("overdue")), owner_id=getattr(data.get("owner"), "pk", None),
                                group_id=getattr(data.get("group"), "pk", None))


class DeadlinesForm(forms.Form):
    """Response and resolution hours for every severity, on one page."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for severity in Severity:
            response, resolution = current[severity]
            self.fields[f"response_{severity.value}"] = forms.IntegerField(
                label=_("%(severity)s: respond within (hours)") % {"severity": severity.label},
                min_value=1, max_value=24 * 30, initial=response)
            self.fields[f"resolution_{severity.value}"] = forms.IntegerField(
                label=_("%(severity)s: resolve within (hours)") % {"severity": severity.label},
                min_value=1, max_value=24 * 365, initial=resolution)

    def rows(self):
        return [(severity, self[f"response_{severity.value}"], self[f"resolution_{severity.value}"])
                for severity in Severity]
