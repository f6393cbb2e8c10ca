"""Forms of the departure and reassignment pages (crm/views/staff.py, the customer list's bulk bar).
Receiver choices come from the policy: active salespeople and supervisors in the user's scope."""

from collections import Counter

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.fields import PersonChoiceField, person_choices
from crm import offboarding, policies
from crm.forms import CustomerFilterForm


def person_label(person) -> str:
    return f"{person.display_name} · {person.sales_group}" if person.sales_group_id else person.display_name


def receivers_for(user, *, leaving=None):
    people = policies.assignable_owners(user)
    return people.exclude(pk=leaving.pk) if leaving is not None else people


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
        receivers = receivers_for(by, leaving=person)
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
        self.fields["target"].queryset = receivers_for(user)

    def target_choices(self) -> list:
        """(id, name · group) of who may receive customers, in one query of plain values."""
        return person_choices(self.fields["target"].queryset, with_group=True)

    def filter_query(self):
        return CustomerFilterForm(QueryDict(self.cleaned_data.get("filter") or ""), user=self.user).query()

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REASSIGN and not data.get("target") and "target" not in self.errors:
            self.add_error("target", _("Choose who receives the customers."))
        if data.get("everything"):
            if "filter" not in self.errors and self.filter_query().owner is None:
                self.add_error(None, _("Filter the list by one salesperson to move all of their matching customers."))
        elif not data.get("customers") and "customers" not in self.errors:
            self.add_error("customers", _("Tick the customers to move."))
        return data
