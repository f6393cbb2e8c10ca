"""Forms of the customer import: the upload, the column mapping, saved columns, the confirmation."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.fields import PersonChoiceField
from transfers import contact_import, custom_import, policies
from transfers.models import ImportJob
from transfers.reader import ImportFileError, check_size


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    owner = PersonChoiceField(queryset=None, required=False, label=gettext_lazy("Salesperson"),
                              empty_label=gettext_lazy("Me"))
    to_pool = forms.BooleanField(required=False, label=gettext_lazy("Put the customers in the isolation pool"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if policies.may_import_for_others(user):
            self.fields["owner"].queryset = policies.import_owner_choices(user)
        else:
            del self.fields["owner"]
        if not policies.may_import_to_pool(user):
            del self.fields["to_pool"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="too_large") from None
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv", ".txt"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="format")
        return upload

    def owner_choice(self):
        """(owner, to_pool): the importer unless a supervisor or admin chose someone (or the pool)."""
        if self.cleaned_data.get("to_pool"):
            return None, True
        return self.cleaned_data.get("owner") or self.user, False


class ImportConfirmForm(forms.Form):
    on_duplicate = forms.ChoiceField(choices=ImportJob.OnDuplicate.choices, initial=ImportJob.OnDuplicate.SKIP,
                                     widget=forms.RadioSelect, label=gettext_lazy("Rows that duplicate one of your customers"))
    all_or_nothing = forms.BooleanField(required=False, initial=False,
                                        label=gettext_lazy("All or nothing: import nothing if any row is invalid"))


class ImportColumnsForm(forms.Form):
    """The mapping step: the field each column of the file goes to, and a name to keep it under."""

    save_as = forms.CharField(required=False, max_length=50, label=gettext_lazy("Save these columns as (optional)"),
                              help_text=gettext_lazy("A name, e.g. “Trade fair list”: next time a file with these headers uses them by itself."))

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = len(job.headers)
        self.choices = custom_import.field_choices(job.created_by)  # their custom fields too (issue 23)
        for index, (header, sample) in enumerate(job.headers):
            self.fields[f"col{index}"] = forms.ChoiceField(
                choices=self.choices, required=False, label=header or _("(no header)"),
                initial=job.columns[index] if index < len(job.columns) else "", help_text=sample)

    def column_fields(self):
        return [self[f"col{index}"] for index in range(self.count)]

    def clean(self):
        columns = [self.cleaned_data.get(f"col{index}") or "" for index in range(self.count)]
        labels = dict(self.choices)
        for field in dict.fromkeys(columns):
            if field and columns.count(field) > 1:
                raise forms.ValidationError(_("Two columns go to “%(field)s”: choose one of them, ignore the other.")
                                            % {"field": labels[field]}, code="twice")
        if "name" not in columns:
            raise forms.ValidationError(_("Choose the column that holds the customers' names."), code="no_name")
        self.cleaned_data["columns"] = columns
        return self.cleaned_data


class SavedMappingForm(forms.Form):
    mapping = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Use saved columns"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = policies.visible_column_mappings(user)


class RecordUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="too_large") from None
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv", ".txt"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="format")
        if not upload.size:
            raise forms.ValidationError(_("The file is empty: it needs a header row and at least one contact."),
                                        code="empty")
        return upload


class RecordColumnsForm(forms.Form):
    """The contacts import's columns: the field each column of the file goes to."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, headers, columns, known=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = len(headers)
        self.known = known
        for index, header in enumerate(headers):
            self.fields[f"col{index}"] = forms.ChoiceField(
                choices=contact_import.field_choices(known), required=False, label=str(header or "")[:50] or _("(no header)"),
                initial=columns[index] if index < len(columns) else "")

    def column_fields(self):
        return [self[f"col{index}"] for index in range(self.count)]

    def clean(self):
        columns = [self.cleaned_data.get(f"col{index}") or "" for index in range(self.count)]
        labels = dict(contact_import.field_choices(self.known))
        for field in dict.fromkeys(columns):
            if field and columns.count(field) > 1:
                raise forms.ValidationError(_("Two columns go to “%(field)s”: choose one of them, ignore the other.")
                                            % {"field": labels[field]}, code="twice")
        self.cleaned_data["columns"] = columns
        return self.cleaned_data
