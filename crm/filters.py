"""The FilterSets of crm's lists: customers, follow-ups, the pool. Each is the one reading of its
list's query string: the page, the export (transfers), the saved searches and the bulk bar ask
it, so they always hold the same rows. Bad values are dropped (common.filters), never an error.

Another app adds a filter to the customer list with one line, e.g.
`CustomerFilterSet.add_filter("revenue_class", ChoiceFilter(choices=…, empty_label=…))`."""

from django.db.models import Exists, OuterRef, Subquery
from django.forms import CheckboxSelectMultiple
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, ModelChoiceFilter, MultipleChoiceFilter

from accounts import policies as roles
from accounts.fields import PersonChoiceField
from common import timewindows
from common.filters import ListFilterSet, noop
from common.timewindows import CustomWindowForm
from companylists import grades, lists
from crm import custom, policies, search, selectors
from crm.models import Customer, CustomerUserObjectPermission, FollowUp
from crm.search import SEARCH_FIELDS
from crm.selectors import NO_REVENUE, POOL_WINDOWS, QUERY_VIEWS, QUERY_VIEWS_BY_KEY, SORTS, CustomerQuery


class PersonFilter(ModelChoiceFilter):
    """A person among those the policy offers (one query of plain values for the options)."""

    field_class = PersonChoiceField


SORT_CHOICES = [
    ("created", _("Newest first")),
    ("created_asc", _("Oldest first")),
    ("name", _("Name")),
    ("last_contact", _("Last contact")),
    ("next_contact", _("Next contact date")),
    ("number", _("Customer number")),
]


class CustomerFilterSet(ListFilterSet):
    """The customer list (SPEC §1.A): a one-click view, the search box and the fields it searches,
    salesperson and group (for those the policy lets filter by them), type, grade, sort.
    `walk`: the same rows searched without the gram index (see common.pagination.paginate)."""

    view = ChoiceFilter(choices=[(v.key, v.label) for v in QUERY_VIEWS], empty_label=_("All"), method="filter_view")
    owner = PersonFilter(field_name="owner", queryset=None, label=_("Salesperson"), empty_label=_("Everyone"))
    group = ModelChoiceFilter(field_name="owner__sales_group", queryset=None, label=_("Sales group"),
                              empty_label=_("All groups"))
    type = ChoiceFilter(choices=Customer.Type.choices, empty_label=_("Any type"), label=_("Type"))
    grade = ChoiceFilter(choices=(), empty_label=_("Any grade"), label=_("Grade"))
    revenue_class = ChoiceFilter(choices=[*Customer.RevenueClass.choices, (NO_REVENUE, _("No won revenue"))],
                                 empty_label=_("Any revenue class"), label=_("Revenue class"),
                                 method="filter_revenue_class")
    q = CharFilter(max_length=100, label=_("Search"), method="filter_q")
    fields = MultipleChoiceFilter(choices=SEARCH_FIELDS, label=_("Search in"), method=noop,
                                  widget=CheckboxSelectMultiple)
    sort = ChoiceFilter(choices=SORT_CHOICES, empty_label=_("Default order"), label=_("Sort"), method=noop)

    class Meta:
        model = Customer
        fields = []

    def __init__(self, data=None, queryset=None, *, walk=False, **kwargs):
        self.walk = walk
        super().__init__(data, queryset, **kwargs)
        if queryset is None:
            self.queryset = policies.visible_customers(self.user)

    def scope(self):
        self.filters["grade"].extra["choices"] = grades.filter_choices()  # the company's list, retired ones too
        if policies.may_filter_by_person(self.user):
            self.filters["owner"].queryset = roles.sales_staff_for(self.user)
        else:
            del self.filters["owner"]
        if policies.may_filter_by_group(self.user):
            self.filters["group"].queryset = roles.visible_sales_groups(self.user)
        else:
            del self.filters["group"]
        custom.add_filters(self, custom.CUSTOMER)

    def filter_view(self, customers, name, key):
        return customers.filter(QUERY_VIEWS_BY_KEY[key].condition(self.now))

    def filter_q(self, customers, name, text):
        text = text.strip()
        if not text:
            return customers
        fields = list(self.valid.get("fields") or ())
        return search.apply_search(customers, text, [f for f in fields if not custom.is_custom(f)], walk=self.walk,
                                   extra=custom.search_condition(self.user, fields))

    def filter_revenue_class(self, customers, name, value):
        if value == NO_REVENUE:
            return customers.filter(revenue_class__isnull=True)
        return customers.filter(revenue_class=value)

    def arrange(self, customers, valid):
        view = QUERY_VIEWS_BY_KEY.get(valid.get("view") or "")
        ordering = SORTS.get(valid.get("sort") or "") or (view.ordering if view else SORTS["created"])
        customers = customers.select_related("owner__sales_group").order_by(*ordering)
        if not policies.sees_every_customer(self.user):
            shared = CustomerUserObjectPermission.objects.filter(user_id=self.user.pk, content_object_id=OuterRef("pk"))
            customers = customers.annotate(shared_with_me=Exists(shared))
        return customers

    def query(self) -> CustomerQuery:
        """What the list shows it was asked for (the page's tabs, highlights, saved searches)."""
        valid = self.valid
        return CustomerQuery(
            view=valid.get("view") or "", q=(valid.get("q") or "").strip(), fields=tuple(valid.get("fields") or ()),
            owner=valid.get("owner"), group=valid.get("group"), type=valid.get("type") or "",
            grade=valid.get("grade") or "", sort=valid.get("sort") or "",
            revenue_class=valid.get("revenue_class") or "", extra=self.extra_params(),
        )

    FIXED = frozenset({"view", "owner", "group", "type", "grade", "revenue_class", "q", "fields", "sort"})

    def extra_params(self) -> tuple:
        """The query string's parameters of every other filter that validated (custom fields', the
        ones other apps add), as (name, value) pairs in one order: saved searches keep them."""
        valid = self.valid
        names = [name for name in self.filters if name not in self.FIXED and valid.get(name) not in (None, "", [])]
        pairs = []
        for key in self.data:
            owner = next((n for n in names if key == n or key.startswith(n + "_")), None)
            if owner is not None:
                values = self.data.getlist(key) if hasattr(self.data, "getlist") else self.data[key]
                values = values if isinstance(values, (list, tuple)) else [values]
                pairs.extend((key, str(value)) for value in values if value not in (None, ""))
        return tuple(sorted(pairs))

    def rows_and_walk(self):
        """The rows and, for a search, the same rows walked without the gram index (one `now`,
        one look at what the user may see)."""
        walk = None
        if self.query().q:
            walk = type(self)(self.data, self.queryset, user=self.user, now=self.now, walk=True).qs
        return self.qs, walk


def customer_list(user, data=None, *, now=None):
    """The customers `user` may see as the list shows them for this query string (a QueryDict or
    a dict), in the list's order."""
    return CustomerFilterSet(data, user=user, now=now).qs


# --- Follow-ups ---------------------------------------------------------------------------------


class FollowUpFilterSet(ListFilterSet):
    """The follow-ups page (SPEC §2.2): a one-click window or a custom one (dates or the last N
    hours/days), and, for those who oversee several people, whose."""

    WINDOWS = [("today", _("Today")), ("3days", _("Last 3 days")), ("week", _("This week")),
               ("month", _("This month")), ("custom", _("Custom"))]
    window = ChoiceFilter(choices=WINDOWS, empty_label=_("All"), method=noop)
    author = PersonFilter(field_name="author", queryset=None, label=_("Salesperson"), empty_label=_("Everyone"))

    class Meta:
        model = FollowUp
        fields = []
        form = CustomWindowForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if queryset is None:
            self.queryset = selectors.followup_list(self.user)

    def scope(self):
        if policies.may_filter_by_person(self.user):
            self.filters["author"].queryset = roles.sales_staff_for(self.user)
        else:
            del self.filters["author"]

    def time_window(self):
        key = self.value("window")
        return self.form.window(self.now) if key == "custom" else selectors.followup_window(key, now=self.now)

    def arrange(self, followups, valid):
        window = self.time_window()
        return followups if window is None else followups.filter(**window.as_filter("occurred_at"))


# --- The pool (SPEC §3) ---------------------------------------------------------------------------


class PoolFilterSet(ListFilterSet):
    """The pool page: a one-click or custom window by time in the pool (dates typed in win), the
    search box, grade, type, source, industry and who let the customer go."""

    WINDOWS = [("day", _("Within a day")), ("3days", _("Within 3 days")), ("week", _("Within a week")),
               ("month", _("Within a month")), ("year", _("Within a year")), ("custom", _("Custom"))]
    window = ChoiceFilter(choices=WINDOWS, empty_label=_("All"), method=noop)
    grade = ChoiceFilter(choices=(), empty_label=_("Any grade"), label=_("Grade"))
    type = ChoiceFilter(choices=Customer.Type.choices, empty_label=_("Any type"), label=_("Type"))
    source = ChoiceFilter(choices=(), empty_label=_("Any source"), label=_("Source"))
    industry = CharFilter(max_length=100, label=_("Industry"), method="filter_industry")
    q = CharFilter(max_length=100, label=_("Search"), method="filter_q")
    previous_owner = PersonFilter(queryset=None, label=_("Previous salesperson"), empty_label=_("Anyone"),
                                  method="filter_previous_owner")

    class Meta:
        model = Customer
        fields = []
        form = CustomWindowForm

    def __init__(self, data=None, queryset=None, *, walk=False, **kwargs):
        self.walk = walk
        super().__init__(data, queryset, **kwargs)
        if queryset is None:
            self.queryset = policies.pool_customers(self.user)

    def scope(self):
        self.filters["grade"].extra["choices"] = grades.filter_choices()
        self.filters["source"].extra["choices"] = lists.filter_choices(lists.SOURCE)  # retired ones too
        self.filters["previous_owner"].queryset = policies.pool_previous_owner_choices(self.user)

    def time_window(self):
        key = self.value("window")
        valid = self.valid
        if key == "custom" or valid.get("date_from") or valid.get("date_to"):  # dates typed in win
            return self.form.window(self.now)
        if key in POOL_WINDOWS:
            return timewindows.last(self.now, days=POOL_WINDOWS[key])
        return None

    def filter_industry(self, customers, name, text):
        # A listed industry typed in either language, or its key, finds the text customers store.
        text = lists.industry_text(text)
        return customers.filter(industry__icontains=text) if text else customers

    def filter_q(self, customers, name, text):
        return search.apply_search(customers, text, walk=self.walk, extra=custom.search_condition(self.user, []))

    def filter_previous_owner(self, customers, name, person):
        let_go = Subquery(selectors.let_go().values("from_owner_id")[:1])
        return customers.annotate(previous_owner_id=let_go).filter(previous_owner_id=person.pk)

    def arrange(self, customers, valid):
        window = self.time_window()
        if window is not None:
            customers = customers.filter(**window.as_filter("pooled_at"))
        # Newest in the pool first, walking the partial index crm_cust_pooled (DESC, nulls first).
        return customers.order_by("-pooled_at", "-id")

    def rows_and_walk(self):
        walk = None
        if (self.valid.get("q") or ""):
            walk = type(self)(self.data, self.queryset, user=self.user, now=self.now, walk=True).qs
        return self.qs, walk
