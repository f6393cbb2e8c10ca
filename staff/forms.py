"""Forms of the staff pages (SPEC §7): people, groups and a departure (where the leaver's
customers go). Choices come from the policies. The lists' filters: staff/filters.py."""

from collections import Counter

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import SalesGroup, User
from common.timewindows import DayField  # the shared package's time windows (DESIGN.md)
from staff import offboarding, policies

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
PHONE_INPUT = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})  # a phone's dial pad


class _StaffForm(forms.ModelForm):
    """Profile, role and group. Role and group choices come from the policy, so a supervisor can
    only make salespeople of the groups they cover."""

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "wechat", "address", "hire_date", "role", "sales_group", "notes"]
        widgets = {"hire_date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3}), "phone": PHONE_INPUT}
        field_classes = {"hire_date": DayField}

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["role"].choices = policies.assignable_roles(by)
        self.fields["sales_group"].queryset = policies.assignable_groups(by)
        self.fields["full_name"].required = True
        if not policies.may_leave_without_group(by):
            self.fields["sales_group"].required = True
            self.fields["sales_group"].empty_label = None

    def clean(self):
        data = super().clean()
        role, group = data.get("role"), data.get("sales_group")
        if role == User.Role.SALESPERSON and not group:
            self.add_error("sales_group", _("A salesperson belongs to a sales group."))
        if role:
            refusal = policies.role_change_refusal(self.by, self.instance, role)
            if refusal:
                self.add_error("role", refusal)
        return data

    def profile_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in self._meta.fields if field in self.cleaned_data}


class UserCreateForm(_StaffForm):
    username = forms.RegexField(
        label=_("Login"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "full_name", "role", "sales_group", "password1", "password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login is taken."), code="taken")
        return username

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UserEditForm(_StaffForm):
    new_password = forms.CharField(
        label=_("New password"), required=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password. A new one ends the person's open sessions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk == self.by.pk:
            self.fields["role"].disabled = True

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password") or ""
        if password:
            validate_password(password, self.instance)
        return password


class GroupForm(forms.ModelForm):
    class Meta:
        model = SalesGroup
        fields = ["name", "supervisor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = policies.supervisor_candidates()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the group a name."), code="required")
        if SalesGroup.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A group with this name exists."), code="taken")
        return name


class GroupGrantForm(forms.Form):
    supervisor = forms.ModelChoiceField(queryset=None, label=_("Supervisor"))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = policies.supervisor_candidates().exclude(pk=group.supervisor_id)


# --- A departure (crm's customers, workplans' plans, bulletin's suggestions: staff/offboarding.py) ---


def person_label(person) -> str:
    return f"{person.display_name} · {person.sales_group}" if person.sales_group_id else person.display_name


class OffboardForm(forms.Form):
    MODE_CHOICES = [
        (offboarding.POOL, _("All to the isolation pool, for any colleague to claim")),
        (offboarding.ONE, _("All to one colleague")),
        (offboarding.SPREAD, _("Spread evenly over several colleagues")),
        (offboarding.EACH, _("Customer by customer")),
    ]
    mode = forms.ChoiceField(choices=MODE_CHOICES, initial=offboarding.POOL, widget=forms.RadioSelect, label=_("Their customers"))
    colleague = forms.ModelChoiceField(queryset=None, required=False, label=_("Colleague"))
    colleagues = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Colleagues"), widget=forms.CheckboxSelectMultiple
    )
    expected_customers = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, person, by, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        receivers = policies.offboarding_receivers(by, person)
        for name in ("colleague", "colleagues"):
            self.fields[name].queryset = receivers
            self.fields[name].label_from_instance = person_label
        self.customers = list(customers)  # for customer by customer: at most EACH_LIMIT
        if not self.customers:
            self.fields["mode"].choices = self.MODE_CHOICES[:3]
        # Ticking a colleague to spread over selects that option (static/js/app.js, data-checks).
        radio_ids = {value: f"id_mode_{index}" for index, (value, _label) in enumerate(self.fields["mode"].choices)}
        self.fields["colleagues"].widget.attrs["data-checks"] = radio_ids[offboarding.SPREAD]
        self.receivers = {str(r.pk): r for r in receivers}
        choices = [("", _("Isolation pool"))] + [(pk, person_label(r)) for pk, r in self.receivers.items()]
        for customer in self.customers:
            self.fields[f"to_{customer.pk}"] = forms.ChoiceField(choices=choices, required=False, label=customer.name)

    def customer_fields(self):
        return [(customer, self[f"to_{customer.pk}"]) for customer in self.customers]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == offboarding.ONE and not data.get("colleague"):
            self.add_error("colleague", _("Choose the colleague who takes over the customers."))
        if mode == offboarding.SPREAD and len(data.get("colleagues") or []) < 2:
            self.add_error("colleagues", _("Choose at least two colleagues to spread the customers over."))
        # A receiver picked under another option than the one selected (a colleague chosen while
        # "all to the pool" stayed selected) is a person's mistake, never a choice: refuse it.
        picked = {
            offboarding.ONE: bool(data.get("colleague")),
            offboarding.SPREAD: bool(data.get("colleagues")),
            offboarding.EACH: any(data.get(f"to_{customer.pk}") for customer in self.customers),
        }
        labels = dict(self.MODE_CHOICES)
        for other, chosen in picked.items():
            if mode and chosen and other != mode:
                raise forms.ValidationError(
                    _("You chose who receives the customers under “%(other)s”, but “%(mode)s” is selected. "
                      "Select the option you mean, or clear the other choice; nothing was done.")
                    % {"other": labels[other], "mode": labels[mode]}, code="ambiguous")
        return data

    def destinations(self, count: int) -> list[tuple[str, int]]:
        """Where the person's `count` customers go with the choice made: (the isolation pool or a
        colleague, how many), as offboarding.offboard will move them; for the review step."""
        data = self.cleaned_data
        mode = data["mode"]
        if mode == offboarding.ONE:
            moved = {data["colleague"]: count}
        elif mode == offboarding.SPREAD:
            receivers = list(data["colleagues"])
            shares = offboarding.spread_evenly(list(range(count)), [r.pk for r in receivers])
            moved = {r: len(shares[r.pk]) for r in receivers}
        elif mode == offboarding.EACH:
            moved = Counter(self.receivers.get(data.get(f"to_{c.pk}") or "") for c in self.customers)
        else:
            moved = {None: count}
        rows = [(person_label(r), n) for r, n in moved.items() if r is not None and n]
        if moved.get(None):
            rows.append((str(_("The isolation pool")), moved[None]))
        return rows

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        mode = data["mode"]
        arguments = {"mode": mode, "expected_customers": data["expected_customers"]}
        if mode == offboarding.ONE:
            arguments["receivers"] = [data["colleague"]]
        elif mode == offboarding.SPREAD:
            arguments["receivers"] = list(data["colleagues"])
        elif mode == offboarding.EACH:
            assignments = {c.pk: self.receivers.get(data.get(f"to_{c.pk}") or "") for c in self.customers}
            arguments["assignments"] = assignments
            arguments["receivers"] = list({r.pk: r for r in assignments.values() if r is not None}.values())
        return arguments
