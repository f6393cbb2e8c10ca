from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.phones import validate_phone
from common.timewindows import DayField
from contacts.models import Contact

PHONE_INPUT = {"type": "tel", "inputmode": "tel", "autocomplete": "off"}


class ContactForm(forms.ModelForm):
    """A contact's details. The customer is the page's, never the form's."""

    # Editing: the contact's version when the form was opened (services.contact_version).
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    class Meta:
        model = Contact
        fields = ["name", "title", "role", "mobile", "landline", "wechat", "email", "birthday", "notes", "is_primary"]
        widgets = {
            "mobile": forms.TextInput(attrs=PHONE_INPUT),
            "landline": forms.TextInput(attrs=PHONE_INPUT),
            "email": forms.EmailInput(attrs={"inputmode": "email"}),
            "birthday": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"birthday": DayField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        self.fields["role"].choices = [("", _("Not given"))] + list(Contact.Role.choices)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the contact's name."), code="required")
        return name

    def _phone(self, field):
        phone = self.cleaned_data[field].strip()
        # A number stored before keeps the contact editable: only a new or changed one must follow the rules.
        if phone and not (self.instance.pk and phone == (getattr(self.instance, field) or "").strip()):
            validate_phone(phone)
        return phone

    def clean_mobile(self):
        return self._phone("mobile")

    def clean_landline(self):
        return self._phone("landline")

    def clean_birthday(self):
        day = self.cleaned_data.get("birthday")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("A birthday cannot be in the future."), code="future")
        return day

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("mobile", "landline", "wechat", "email")) and not self.errors:
            raise forms.ValidationError(_("Give at least one way to reach the contact: a phone, WeChat or e-mail."),
                                        code="unreachable")
        return cleaned
