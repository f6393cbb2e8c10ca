"""Exports of the records that hang on customers (issues 22 and 25): contacts, deals and
payments, each exactly what its page shows the person (the contacts, deals policies) and
following the list's filters: contacts follow the customer list's FilterSet, deals and payments
the deal list's filter form. Cells are rendered and neutralised like the customer export
(transfers.columns.neutralise: = + - @ tab CR and their fullwidth twins)."""

from dataclasses import dataclass

from django.db.models import Case, F, Q, When
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from import_export import widgets

from contacts import policies as contact_policies
from contacts.models import Contact
from crm.filters import CustomerFilterSet
from deals import policies as deal_policies
from deals import selectors as deal_selectors
from deals.forms import DealFilterForm
from deals.models import Payment, Target
from transfers.columns import ChoiceLabelOf, ChoiceLabelWidget, LenientDateWidget, ValuesResource, person_name_of


class TextWidget(widgets.Widget):
    """Any value as text (numbers with their two decimals, as the database holds them)."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DayWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return gettext("Yes") if value else ""


def stage_name():
    """The stage's name in the reader's language (Stage.name does the same on an instance)."""
    chinese = (translation.get_language() or "").lower().startswith("zh")
    first, second = ("stage__name_zh", "stage__name_en") if chinese else ("stage__name_en", "stage__name_zh")
    return Case(When(**{first: ""}, then=F(second)), default=F(first))


class ContactResource(ValuesResource):
    """One row per contact, with its customer's number and name."""

    columns = [
        ("customer_number", gettext_lazy("Customer number"), F("customer__number"), TextWidget()),
        ("customer", gettext_lazy("Customer"), F("customer__name"), TextWidget()),
        ("name", gettext_lazy("Contact name"), F("name"), TextWidget()),
        ("title", gettext_lazy("Job title"), F("title"), TextWidget()),
        ("role", gettext_lazy("Role in the deal"), F("role"), ChoiceLabelOf(Contact.Role)),
        ("mobile", gettext_lazy("Mobile"), F("mobile"), TextWidget()),
        ("landline", gettext_lazy("Landline"), F("landline"), TextWidget()),
        ("wechat", gettext_lazy("WeChat"), F("wechat"), TextWidget()),
        ("email", gettext_lazy("E-mail"), F("email"), TextWidget()),
        ("birthday", gettext_lazy("Birthday"), F("birthday"), DayWidget()),
        ("is_primary", gettext_lazy("Primary contact"), F("is_primary"), YesNoWidget()),
        ("notes", gettext_lazy("Notes"), F("notes"), TextWidget()),
    ]


class DealResource(ValuesResource):
    columns = [
        ("number", gettext_lazy("Deal number"), F("pk"), TextWidget()),
        ("title", gettext_lazy("Title"), F("title"), TextWidget()),
        ("customer_number", gettext_lazy("Customer number"), F("customer__number"), TextWidget()),
        ("customer", gettext_lazy("Customer"), F("customer__name"), TextWidget()),
        ("owner", gettext_lazy("Salesperson"), person_name_of("owner"), TextWidget()),
        ("stage", gettext_lazy("Stage"), None, TextWidget()),  # stage_name(), in the export's language
        ("amount", gettext_lazy("Amount (CNY)"), F("amount"), TextWidget()),
        ("probability", gettext_lazy("Probability (%)"), F("probability"), TextWidget()),
        ("expected_close_on", gettext_lazy("Expected close date"), F("expected_close_on"), DayWidget()),
        ("won_amount", gettext_lazy("Signed amount (CNY)"), F("won_amount"), TextWidget()),
        ("won_on", gettext_lazy("Signed on"), F("won_on"), DayWidget()),
        ("source", gettext_lazy("Source"), F("source"), ChoiceLabelWidget("source")),
        ("created_at", gettext_lazy("Created"), F("created_at"), LenientDateWidget(with_time=True)),
    ]

    def export_rows(self, queryset, chunk_size=5000):
        # The stage's name is chosen when the export runs, in the exporter's language.
        self.columns = [(name, label, stage_name() if lookup is None else lookup, widget)
                        for name, label, lookup, widget in type(self).columns]
        return super().export_rows(queryset, chunk_size)


class PaymentResource(ValuesResource):
    columns = [
        ("deal_number", gettext_lazy("Deal number"), F("deal_id"), TextWidget()),
        ("deal", gettext_lazy("Deal"), F("deal__title"), TextWidget()),
        ("customer_number", gettext_lazy("Customer number"), F("deal__customer__number"), TextWidget()),
        ("customer", gettext_lazy("Customer"), F("deal__customer__name"), TextWidget()),
        ("owner", gettext_lazy("Salesperson"), person_name_of("deal__owner"), TextWidget()),
        ("received_on", gettext_lazy("Received on"), F("received_on"), DayWidget()),
        ("amount", gettext_lazy("Amount (CNY)"), F("amount"), TextWidget()),
        ("method", gettext_lazy("Method"), F("method"), ChoiceLabelOf(Payment.Method)),
        ("note", gettext_lazy("Note"), F("note"), TextWidget()),
    ]


class TargetResource(ValuesResource):
    columns = [
        ("month", gettext_lazy("Month"), F("month"), DayWidget()),
        ("salesperson", gettext_lazy("Salesperson"), person_name_of("salesperson"), TextWidget()),
        ("sales_group", gettext_lazy("Sales group"), F("sales_group__name"), TextWidget()),
        ("amount", gettext_lazy("Amount won (CNY)"), F("amount"), TextWidget()),
        ("new_customers", gettext_lazy("New customers"), F("new_customers"), TextWidget()),
        ("followups", gettext_lazy("Follow-ups"), F("followups"), TextWidget()),
    ]


# --- What each export holds ------------------------------------------------------------------------


def contact_queryset(user, params: str):
    """The contacts `user` sees of the customers the customer list shows with these filters."""
    customers = CustomerFilterSet(QueryDict(params), user=user).qs.order_by().values("pk")
    return (contact_policies.visible_contacts(user).filter(customer__in=customers)
            .order_by("customer__number", "-is_primary", "name", "pk"))


def _deal_filters(user, params: str):
    form = DealFilterForm(QueryDict(params), owners=deal_policies.filterable_owners(user),
                          groups=deal_policies.filterable_groups(user))
    return form.filters(timezone.localdate())


def deal_queryset(user, params: str):
    """The deal list's deals for `user` with its filters, in its order."""
    return deal_selectors.filtered_deals(user, _deal_filters(user, params)).order_by("-created_at", "-id")


def payment_queryset(user, params: str):
    """Payments received on the deals the deal list shows with these filters."""
    deals = deal_selectors.filtered_deals(user, _deal_filters(user, params)).order_by().values("pk")
    return Payment.objects.filter(deal__in=deals).order_by("received_on", "id")


def target_queryset(user, params: str):
    """The monthly targets `user` may set (deals.policies: an admin everyone's and every group's,
    a supervisor their groups' and their people's), newest month first."""
    people = deal_policies.target_people(user).values("pk")
    groups = deal_policies.target_groups(user).values("pk")
    return (Target.objects.filter(Q(salesperson__in=people) | Q(sales_group__in=groups))
            .order_by("-month", "sales_group__name", "salesperson__username", "id"))


@dataclass(frozen=True)
class RecordExport:
    kind: str
    label: object
    resource: type
    queryset: object
    list_url: str
    allowed: object = None  # a policy the exporter must pass, besides may_export


RECORD_EXPORTS = {
    export.kind: export for export in [
        RecordExport("contacts", gettext_lazy("Contacts"), ContactResource, contact_queryset, "crm:customer-list"),
        RecordExport("deals", gettext_lazy("Deals"), DealResource, deal_queryset, "deals:deal-list"),
        RecordExport("payments", gettext_lazy("Payments"), PaymentResource, payment_queryset, "deals:deal-list"),
        RecordExport("targets", gettext_lazy("Targets"), TargetResource, target_queryset, "deals:target-list",
                     deal_policies.may_set_targets),
    ]
}
