"""The grade form: labels in both languages, the two cadences in days, the key grade mark."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companylists.models import Entry, Grade


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible NUL character."))
    return value.strip()


class GradeForm(forms.ModelForm):
    class Meta:
        model = Grade
        fields = [
            "key",
            "label_zh_hans",
            "label_en",
            "cadence_days",
            "recycle_days",
            "is_key_grade",
        ]
        widgets = {
            "cadence_days": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "recycle_days": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True  # customers store it

    def clean_key(self):
        key = _clean_text(self.cleaned_data["key"]).lower()
        if not self.instance.pk and Grade.objects.filter(key=key).exists():
            raise forms.ValidationError(_("A grade with this key exists already."))
        return key

    def clean_label_zh_hans(self):
        return _clean_text(self.cleaned_data["label_zh_hans"])

    def clean_label_en(self):
        return _clean_text(self.cleaned_data["label_en"])


class EntryForm(forms.ModelForm):
    """An entry of a simple list: its key (fixed once saved), its labels in both languages."""

    class Meta:
        model = Entry
        fields = ["key", "label_zh_hans", "label_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True  # records store it

    def clean_key(self):
        key = _clean_text(self.cleaned_data["key"]).lower()
        if not self.instance.pk and Entry.objects.filter(list=self.instance.list, key=key).exists():
            raise forms.ValidationError(_("This list has an entry with this key already."))
        return key

    def clean_label_zh_hans(self):
        return _clean_text(self.cleaned_data["label_zh_hans"])

    def clean_label_en(self):
        return _clean_text(self.cleaned_data["label_en"])
