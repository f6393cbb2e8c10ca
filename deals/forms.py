from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.timewindows import DayField
from companylists import lists
from customfields import forms as custom_forms
from customfields.models import FieldDefinition
from deals.models import (
    MAX_AMOUNT,
    MAX_TARGET,
    MAX_TARGET_COUNT,
    Deal,
    DealSettings,
    Instalment,
    LostReason,
    Payment,
    Stage,
)
from deals.selectors import DealFilters
from deals.targets import FIRST_YEAR, LAST_YEAR, parse_month

AMOUNT_ERRORS = {
    "min_value": _("An amount cannot be negative."),
    "max_value": _("An amount must be under 1,000,000,000,000 CNY."),
    "max_digits": _("An amount must be under 1,000,000,000,000 CNY."),
    "max_whole_digits": _("An amount must be under 1,000,000,000,000 CNY."),
    "max_decimal_places": _("An amount has at most two decimals (fen)."),
}


class DateInput(forms.DateInput):
    """An HTML date input, in the machine format whatever the language (2027-01-03)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def amount_field(label, *, required=True, positive=False):
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2,
        min_value=Decimal("0.01") if positive else Decimal("0"), max_value=MAX_AMOUNT,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01" if positive else "0", "inputmode": "decimal"}),
        error_messages={**AMOUNT_ERRORS, "min_value": _("Enter an amount above zero.") if positive
                        else AMOUNT_ERRORS["min_value"]},
    )


def day_field(label, *, required=True, clamp=False):
    return DayField(label=label, required=required, clamp=clamp, widget=DateInput())


class StageChoice(forms.ModelChoiceField):
    def label_from_instance(self, stage):
        return stage.name


class DealForm(forms.ModelForm):
    """A deal's own fields; its customer and salesperson are set by the service, its stage (after
    opening) only by a stage change. The probability defaults from the stage when left empty."""

    amount = amount_field(_("Amount (CNY)"))
    expected_close_on = day_field(_("Expected close date"), required=False)
    probability = forms.IntegerField(label=_("Probability (%)"), required=False, min_value=0, max_value=100,
                                     help_text=_("Leave empty to use the stage's default."),
                                     widget=forms.NumberInput(attrs={"min": "0", "max": "100", "step": "1"}))

    class Meta:
        model = Deal
        fields = ["title", "amount", "stage", "probability", "expected_close_on", "source", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"stage": StageChoice}
        error_messages = {"title": {"required": _("Give the deal a title.")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["stage"]  # moved by a stage change, with its history
        else:
            self.fields["stage"].queryset = Stage.objects.filter(active=True, kind=Stage.Kind.OPEN)
            self.fields["stage"].empty_label = None
        # The company's active sources, and the one this deal has even if retired (or the
        # customer's, offered as the initial value).
        current = self.instance.source if self.instance.pk else (self.initial.get("source") or "")
        self.fields["source"] = forms.ChoiceField(
            choices=[("", "---------"), *lists.choices(lists.SOURCE, current=current)],
            label=_("Source"), required=False)
        # The company's own deal fields `user` may see (customfields), after the deal's own.
        custom_forms.add_fields(self, FieldDefinition.Target.DEAL, user, self.instance.custom)

    def deal_data(self) -> dict:
        """The service's keyword arguments: the deal's own fields and `custom_values`."""
        return {"custom_values": custom_forms.pop_values(self, self.instance.custom), **self.cleaned_data}


class StageChangeForm(forms.Form):
    """Move a deal. `seen_stage` is the stage the page showed: if someone moved the deal since,
    the service refuses and says so."""

    stage = StageChoice(label=_("Stage"), queryset=Stage.objects.filter(active=True), empty_label=None)
    seen_stage = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
    won_amount = amount_field(_("Signed amount (CNY)"), required=False)
    won_on = day_field(_("Signed on"), required=False)
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), required=False,
                                         queryset=LostReason.objects.filter(active=True))
    lost_note = forms.CharField(label=_("What happened"), required=False, max_length=500,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].label_from_instance = lambda reason: reason.name


class InstalmentForm(forms.ModelForm):
    due_on = day_field(_("Due date"))
    amount = amount_field(_("Amount (CNY)"), positive=True)

    class Meta:
        model = Instalment
        fields = ["due_on", "amount", "note"]


class PaymentForm(forms.ModelForm):
    received_on = day_field(_("Received on"))
    amount = amount_field(_("Amount (CNY)"), positive=True)
    beyond_balance = forms.BooleanField(
        label=_("Yes, record more than the outstanding balance (a prepayment)"), required=False)

    class Meta:
        model = Payment
        fields = ["received_on", "amount", "method", "note"]


class DealFilterForm(forms.Form):
    STATES = [("", _("All")), ("open", _("Open")), ("won", _("Won")), ("lost", _("Lost")),
              ("overdue", _("Overdue"))]

    owner = forms.ModelChoiceField(label=_("Salesperson"), required=False, queryset=None)
    group = forms.ModelChoiceField(label=_("Group"), required=False, queryset=None)
    stage = StageChoice(label=_("Stage"), required=False, queryset=Stage.objects.all())
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATES)
    close_from = day_field(_("Expected close from"), required=False, clamp=True)
    close_to = day_field(_("Expected close until"), required=False, clamp=True)
    amount_min = amount_field(_("Amount from"), required=False)
    amount_max = amount_field(_("Amount up to"), required=False)

    def __init__(self, *args, owners, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.display_name
        self.fields["group"].queryset = groups

    def filters(self, today) -> DealFilters:
        """The valid filters; a bad value is ignored (a list always opens)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # unbound: no filter
        return DealFilters(
            owner_id=getattr(data.get("owner"), "pk", None), group_id=getattr(data.get("group"), "pk", None),
            stage_id=getattr(data.get("stage"), "pk", None), state=data.get("state") or "",
            close_from=data.get("close_from"), close_to=data.get("close_to"),
            amount_min=data.get("amount_min"), amount_max=data.get("amount_max"), today=today,
        )


class StageSettingForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name_zh", "name_en", "order", "probability", "kind", "active"]
        widgets = {"probability": forms.NumberInput(attrs={"min": "0", "max": "100"}),
                   "order": forms.NumberInput(attrs={"min": "0", "max": "32767"})}

    def clean(self):
        data = super().clean()
        _check_stage_setting(self, data)
        return data


class LostReasonForm(forms.ModelForm):
    class Meta:
        model = LostReason
        fields = ["name_zh", "name_en", "order", "active"]
        widgets = {"order": forms.NumberInput(attrs={"min": "0", "max": "32767"})}


def _check_stage_setting(form, data):
    stage = form.instance
    if stage.pk and "kind" in form.changed_data and stage.deals.exists():
        form.add_error("kind", _("Deals are in this stage: its kind cannot change."))
    if stage.pk and not data.get("active", True):
        others = Stage.objects.filter(active=True, kind=stage.kind).exclude(pk=stage.pk)
        if not others.exists():
            form.add_error("active", _("This is the last stage of its kind in use: keep it, or add another first."))


class MonthInput(forms.TextInput):
    """An HTML month input, in the machine format whatever the language (2027-01)."""

    input_type = "month"


class TargetForm(forms.Form):
    """One month's target for a person or a group. `version` is the target as the form showed it
    (targets.target_version): saved by someone else since, the service refuses and says so."""

    month = forms.CharField(label=_("Month"), widget=MonthInput(), error_messages={"required": _("Choose a month.")})
    amount = forms.DecimalField(
        label=_("Amount won (CNY)"), max_digits=13, decimal_places=2, min_value=Decimal("0"), max_value=MAX_TARGET,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the amount to win this month (0 for none)."),
            "min_value": _("A target cannot be negative."),
            "max_value": _("A monthly target is between 0 and 99,999,999,999.99 CNY."),
            "max_digits": _("A monthly target is between 0 and 99,999,999,999.99 CNY."),
            "max_whole_digits": _("A monthly target is between 0 and 99,999,999,999.99 CNY."),
            "max_decimal_places": _("An amount has at most two decimals (fen)."),
        },
    )
    new_customers = forms.IntegerField(
        label=_("New customers"), required=False, min_value=0, max_value=MAX_TARGET_COUNT,
        help_text=_("Optional."), widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        error_messages={"min_value": _("Enter a number between 0 and 1,000,000."),
                        "max_value": _("Enter a number between 0 and 1,000,000.")},
    )
    followups = forms.IntegerField(
        label=_("Follow-ups"), required=False, min_value=0, max_value=MAX_TARGET_COUNT,
        help_text=_("Optional."), widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        error_messages={"min_value": _("Enter a number between 0 and 1,000,000."),
                        "max_value": _("Enter a number between 0 and 1,000,000.")},
    )
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Choose a month between %(first)d and %(last)d.")
                                        % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return month


class DealSettingsForm(forms.ModelForm):
    class Meta:
        model = DealSettings
        fields = ["a_class_becomes_vip"]
