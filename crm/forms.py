from datetime import timedelta

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.fields import PersonChoiceField, person_choices
from common.pagination import PER_PAGE_CHOICES
from common.phones import validate_phone
from common.timewindows import DayField, MomentField, local_midnight
from companylists import grades, lists
from crm import custom, photos, policies
from crm.filters import CustomerFilterSet
from crm.models import Customer
from customfields import forms as custom_forms


class CustomerForm(forms.ModelForm):
    """Every field of SPEC §1.B. The owner is offered only to supervisors and admins, from the
    policy's list; a salesperson's new customer is always their own."""

    owner = PersonChoiceField(queryset=None, label=_("Salesperson"), required=True)
    last_contact_date = DayField(
        label=_("Last contact date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    override_duplicates = forms.BooleanField(
        label=_("Save even if it looks like a duplicate (admin only)"), required=False
    )
    # Editing: the customer's version when the form was opened (services.customer_version).
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Offered once a namesake was found (ask_about_namesakes); anyone saving may tick it: it never
    # lets through the same phone or the same name + company.
    same_name_confirmed = forms.BooleanField(
        label=_("It is a different customer who has the same name: save anyway"), required=False
    )

    class Meta:
        model = Customer
        fields = [
            "name", "company", "job_title", "phone", "address", "type", "grade", "source",
            "industry", "gender", "next_contact_on", "notes", "photo",
        ]
        widgets = {
            "next_contact_on": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),  # a phone's dial pad
            "notes": forms.Textarea(attrs={"rows": 4}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        }
        field_classes = {"next_contact_on": DayField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        creating = self.instance.pk is None
        if creating and policies.may_choose_owner(user):
            self.fields["owner"].queryset = policies.assignable_owners(user)
            self.fields["owner"].initial = getattr(policies.suggested_owner(user), "pk", None)
        else:
            del self.fields["owner"]
        if creating:
            del self.fields["version"]
        else:
            del self.fields["last_contact_date"]
        if not policies.can_override_duplicates(user):
            del self.fields["override_duplicates"]
        self._namesake_field = self.fields["same_name_confirmed"]
        if not (self.is_bound and self.data.get("same_name_confirmed")):
            del self.fields["same_name_confirmed"]
        self.fields["next_contact_on"].help_text = _("Left empty, it follows the grade's follow-up cadence.")
        # The company's active grades, and a retired one this customer still has.
        self.fields["grade"] = forms.ChoiceField(
            choices=grades.choices(current="" if creating else self.instance.grade), label=_("Grade"),
            initial=grades.default_key() if creating else self.instance.grade)
        # The company's active sources, and the one this customer has even if retired.
        self.fields["source"] = forms.ChoiceField(
            choices=lists.choices(lists.SOURCE, current="" if creating else self.instance.source),
            label=_("Source"), initial=lists.default_key(lists.SOURCE) if creating else self.instance.source)
        if lists.entries(lists.INDUSTRY):  # the company lists industries: a choice (else free text)
            self.fields["industry"] = forms.ChoiceField(
                choices=lists.industry_choices(current="" if creating else self.instance.industry),
                label=_("Industry"), required=False)
        custom_forms.add_fields(self, custom.CUSTOMER, user, self.instance.custom)

    def ask_about_namesakes(self, messages) -> None:
        """Another customer has this name: say who holds it and offer the box that confirms this is
        someone else; the person's typed values stay in the form."""
        self.fields["same_name_confirmed"] = self._namesake_field
        for message in messages:
            self.add_error(None, message)
        self.add_error("same_name_confirmed", _("If this is a different customer, tick this box and save again."))

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        # A phone stored before the mainland rules (common.phones) keeps its customer editable: only a
        # new or changed number must follow them.
        if phone and not (self.instance.pk and phone == (self.instance.phone or "").strip()):
            validate_phone(phone)
        return phone

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the customer's name."), code="required")
        return name

    def clean_last_contact_date(self):
        day = self.cleaned_data.get("last_contact_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The last contact date cannot be in the future."), code="future")
        return day

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "size") or photo == self.instance.photo:
            return photo
        if photo.size > settings.CRM_PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("The photo is too large: at most %(limit)s.") % {"limit": filesizeformat(settings.CRM_PHOTO_MAX_BYTES)},
                code="too_large",
            )
        image = getattr(photo, "image", None)
        if image is None or image.format not in photos.FORMATS:
            raise forms.ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."), code="format")
        # What Pillow found is what it is: the uploader's name and claimed type are dropped here,
        # and the file is stored under a random name with this extension (crm/photos.py).
        photo.content_type, extension = photos.FORMATS[image.format]
        photo.name = f"photo.{extension}"
        return photo

    def customer_data(self) -> dict:
        """The model fields to save: what the form validated, nothing more (no owner, no custody)."""
        data = {field: self.cleaned_data[field] for field in self._meta.fields if field in self.cleaned_data}
        if data.get("photo") is False:  # "clear" ticked
            data["photo"] = ""
        if self.cleaned_data.get("last_contact_date"):
            data["last_contact_at"] = local_midnight(self.cleaned_data["last_contact_date"])
        # The custom values this person may edit; the others (not theirs to see or edit, hidden
        # fields) stay as stored.
        data["custom"] = custom_forms.merged_values(self, self.instance.custom)
        return data


# Pillow decompresses lazily; this bounds what one uploaded image may claim to be.
Image.MAX_IMAGE_PIXELS = 50_000_000


class CustomerTypeForm(forms.Form):
    type = forms.ChoiceField(choices=Customer.Type.choices, label=_("Type"))


class CustomerGradeForm(forms.Form):
    grade = forms.ChoiceField(choices=(), label=_("Grade"))

    def __init__(self, *args, current="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = grades.choices(current=current)


class GiveUpForm(forms.Form):
    """Why a salesperson lets a customer go: one of the company's give-up reasons (companylists),
    plus optional details ("other" needs them); stored as text on the customer (pool_reason)."""

    reason = forms.ChoiceField(choices=(), label=_("Reason"))
    details = forms.CharField(label=_("Details"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = lists.choices(lists.GIVE_UP)

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("details") or "").strip():
            raise forms.ValidationError(_("Say why you give the customer up."), code="details_required")
        return data

    def reason_text(self) -> str:
        label = lists.label(lists.GIVE_UP, self.cleaned_data["reason"])
        details = (self.cleaned_data.get("details") or "").strip()
        return f"{label}: {details}" if details else label


class ShareForm(forms.Form):
    colleague = forms.ModelChoiceField(queryset=None, label=_("Colleague"))
    cofollow = forms.BooleanField(
        required=False, label=_("May also log follow-ups (co-follow)"),
    )

    def __init__(self, *args, customer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = policies.share_candidates(user, customer)


class SavedSearchForm(forms.Form):
    """Save the customer list as it is shown: its name here, everything else read from the same
    query string by the list's own form (so a filter the person may not use is dropped exactly
    as the list drops it, never saved)."""

    name = forms.CharField(label=_("Name of the search"), max_length=50,
                           error_messages={"required": _("Name this search.")})
    per_page = forms.CharField(required=False, max_length=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = CustomerFilterSet(self.data, user=user)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name this search."), code="required")
        return name

    def clean_per_page(self):
        value = self.cleaned_data.get("per_page") or ""
        return int(value) if value.isdigit() and int(value) in PER_PAGE_CHOICES else None

    def clean(self):
        data = super().clean()
        query = self.filters.query()
        if not query.narrows():
            raise forms.ValidationError(_("Type something to search for or choose a filter, then save."), code="empty")
        self.query = query
        return data

    def search_data(self) -> dict:
        """The keywords of services.saved_search_save."""
        query = self.query
        return {
            "name": self.cleaned_data["name"], "query": query.q, "fields": list(query.fields), "view": query.view,
            "type": query.type, "grade": query.grade, "salesperson": query.owner, "sales_group": query.group,
            "sort": query.sort, "per_page": self.cleaned_data.get("per_page"), "revenue_class": query.revenue_class,
            "extra": query.extra,
        }


class SavedSearchRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=50, error_messages={"required": _("Name this search.")})

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name this search."), code="required")
        return name


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _not_in_future(moment):
    # A minute of grace for a browser clock a little ahead of the server's.
    if moment and moment > timezone.now() + timedelta(minutes=1):
        raise forms.ValidationError(_("The time of a conversation cannot be in the future."), code="future")
    return moment


def _next_contact_field():
    return DayField(
        label=_("Next contact date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Pre-filled from the grade's follow-up cadence."),
    )


class FollowUpForm(forms.Form):
    """Log a conversation (SPEC §2.1): the author is the person logged in, set by the service."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("What was said"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    occurred_at = MomentField(label=_("Time"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
    next_contact_on = _next_contact_field()

    def clean_subject(self):
        return _required_text(self.cleaned_data["subject"], _("Enter a subject."))

    def clean_content(self):
        return _required_text(self.cleaned_data["content"], _("Write what was said."))

    def clean_occurred_at(self):
        return _not_in_future(self.cleaned_data["occurred_at"])


def _required_text(value: str, message) -> str:
    value = value.strip()
    if not value:
        raise forms.ValidationError(message, code="required")
    return value


class FollowUpEditForm(forms.Form):
    """Fix a record's words (SPEC §2.5): no time field, so editing can never move it."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("What was said"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    # The record's version when the form was opened (services.followup_version).
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_subject(self):
        return _required_text(self.cleaned_data["subject"], _("Enter a subject."))

    def clean_content(self):
        return _required_text(self.cleaned_data["content"], _("Write what was said."))


class FollowUpContinueForm(forms.Form):
    """Continue this topic (SPEC §2.4): today's notes are appended and the time moves."""

    notes = forms.CharField(label=_("Today's notes"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = MomentField(label=_("Time of this conversation"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
    next_contact_on = _next_contact_field()  # the customer moves as when logging a conversation

    def clean_notes(self):
        return _required_text(self.cleaned_data["notes"], _("Write what was said."))

    def clean_occurred_at(self):
        return _not_in_future(self.cleaned_data["occurred_at"])


class PoolAssignForm(forms.Form):
    owner = PersonChoiceField(queryset=None, label=_("Salesperson"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = policies.assignable_owners(user)


class BulkActionForm(forms.Form):
    """The customer list's bulk bar: the ticked customers, or all of one salesperson's customers
    matching the list's filter, to a colleague or to the pool."""

    REASSIGN = "reassign"
    TO_POOL = "pool"

    action = forms.ChoiceField(choices=[(REASSIGN, _("Reassign to")), (TO_POOL, _("Move to the pool"))])
    customers = forms.ModelMultipleChoiceField(
        queryset=None, required=False,
        error_messages={"invalid_choice": _("Some ticked customers are not yours to move; reload the list.")},
    )
    everything = forms.BooleanField(required=False)
    filter = forms.CharField(required=False, max_length=2000)
    target = PersonChoiceField(
        with_group=True, queryset=None, required=False, error_messages={"invalid_choice": _(
            "Customers can only go to an active salesperson or supervisor you manage.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customers"].queryset = policies.reassignable_customers(user)
        self.fields["target"].queryset = policies.assignable_owners(user)

    def target_choices(self) -> list:
        """(id, name · group) of who may receive customers, in one query of plain values."""
        return person_choices(self.fields["target"].queryset, with_group=True)

    def filter_set(self) -> CustomerFilterSet:
        """The customer list's FilterSet for the filter the bar was shown with."""
        return CustomerFilterSet(QueryDict(self.cleaned_data.get("filter") or ""), user=self.user)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REASSIGN and not data.get("target") and "target" not in self.errors:
            self.add_error("target", _("Choose who receives the customers."))
        if data.get("everything"):
            if "filter" not in self.errors and self.filter_set().query().owner is None:
                self.add_error(None, _("Filter the list by one salesperson to move all of their matching customers."))
        elif not data.get("customers") and "customers" not in self.errors:
            self.add_error("customers", _("Tick the customers to move."))
        return data
