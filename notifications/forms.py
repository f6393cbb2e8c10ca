from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.channels import UnsafeURL, check_webhook_url
from notifications.models import Channel, Kind, Preference, Webhook
from notifications.policies import may_receive_group_digest
from notifications.preferences import channels_for

OUTSIDE_CHANNELS = [Channel.EMAIL, Channel.WEBHOOK]
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


def choice_name(kind, channel) -> str:
    return f"{kind}__{channel}"


class PreferenceForm(forms.ModelForm):
    """Each kind on or off per outside channel (in-app is always on), quiet hours, digest time,
    the language of e-mails and robot messages, and phone numbers in the calendar feed."""

    language = forms.ChoiceField(label=_("Language of e-mails and robot messages"), required=False,
                                 choices=[("", _("The company's"))] + list(settings.LANGUAGES),
                                 widget=forms.Select(attrs={"class": "form-select"}))

    class Meta:
        model = Preference
        fields = ["language", "quiet_from", "quiet_until", "digest_at", "plan_lead_minutes", "birthday_lead_days",
                  "feed_phones", "feed_birthdays"]
        widgets = {"quiet_from": TIME_INPUT, "quiet_until": TIME_INPUT, "digest_at": TIME_INPUT,
                   "plan_lead_minutes": forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                   "birthday_lead_days": forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"})}
        help_texts = {
            "quiet_from": _("E-mails and robot messages wait until the quiet hours end; the CRM still shows them."),
            # Formatted when shown, in the reader's language (a % here would freeze it at import).
            "digest_at": format_lazy(_("Empty: the company's time ({time})."), time=settings.NOTIFY_DIGEST_TIME),
            "plan_lead_minutes": format_lazy(_("Empty: the company's {minutes} minutes."),
                                             minutes=settings.NOTIFY_PLAN_LEAD_MINUTES),
            "birthday_lead_days": _("Empty or 0: on the day itself, in the morning."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feed_phones"].widget.attrs["class"] = "form-check-input"
        self.fields["feed_birthdays"].widget.attrs["class"] = "form-check-input"
        self.grid = []
        for kind, label in Kind.choices:
            if kind == Kind.GROUP_DIGEST and not may_receive_group_digest(self.instance.user):
                continue  # only supervisors have a group digest to set
            chosen = channels_for(self.instance, kind)
            row = []
            for channel in OUTSIDE_CHANNELS:
                name = choice_name(kind, channel)
                self.fields[name] = forms.BooleanField(required=False, initial=channel in chosen,
                                                       widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
                row.append(name)
            self.grid.append((label, [self[name] for name in row]))

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("quiet_from")) != bool(cleaned.get("quiet_until")):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return cleaned

    def save(self, commit=True):
        # A kind the person never chose follows the company default: saving the page untouched
        # must not freeze today's defaults into their settings.
        channels = dict(self.instance.channels or {})
        for kind in Kind.values:
            if choice_name(kind, Channel.EMAIL) not in self.fields:
                continue
            chosen = [channel for channel in OUTSIDE_CHANNELS if self.cleaned_data.get(choice_name(kind, channel))]
            if kind in channels or set(chosen) != channels_for(self.instance, kind) & set(OUTSIDE_CHANNELS):
                channels[kind] = chosen
        self.instance.channels = channels
        return super().save(commit=commit)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "form-control", "maxlength": 500}))

    class Meta:
        model = Webhook
        fields = ["provider", "url", "secret"]
        widgets = {
            "provider": forms.Select(attrs={"class": "form-select"}),
            "secret": forms.TextInput(attrs={"class": "form-control", "maxlength": 200, "autocomplete": "off"}),
        }
        help_texts = {"secret": _("DingTalk and Feishu: the robot's signing secret (加签), if it has one.")}

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_webhook_url(url)
        except UnsafeURL as refused:
            raise forms.ValidationError(refused.message) from None
        return url
