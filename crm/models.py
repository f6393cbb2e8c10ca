from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Cast, Coalesce, LPad, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase

from companylists import grades, lists
from crm import photos

# Columns the search box looks in (SPEC §1.A.16-17), in the order of the search text.
SEARCH_COLUMNS = ["number", "name", "company", "job_title", "phone", "address", "industry", "notes"]


class SearchText(Func):
    """crm_search_text(...): the searchable columns lower-cased, one per line (migration 0001)."""

    function = "crm_search_text"
    output_field = models.TextField()


class SearchGrams(Func):
    """crm_grams(search_text): every 1- and 2-character gram, the key of the GIN expression index
    (migration 0008). Queries alias it under the same expression so the index answers them.
    Compared byte by byte (COLLATE "C"): a gram has no alphabetical order worth a locale's rules,
    and under C.UTF-8 (or zh_CN) every key comparison in the index would go through strcoll;
    writing 50,000 customers' grams took 12 s that way and 5 s this way (migration 0015)."""

    function = "crm_grams"
    template = '(%(function)s(%(expressions)s) COLLATE "C")'
    output_field = ArrayField(models.TextField())


class CustomGrams(Func):
    """The grams (as SearchGrams) of a customer's custom values, lower-cased, keys left out: the
    GIN index crm_customer_custom_grams narrows the search box's custom-field conditions, which
    then recheck each field the searcher may see (customfields.lists.search_condition)."""

    template = """(crm_grams(lower(jsonb_path_query_array(%(expressions)s, 'strict $.*')::text)) COLLATE "C")"""
    output_field = ArrayField(models.TextField())


class NormalizedPhone(Func):
    """crm_normalize_phone(phone): digits only, without a +86/0086 prefix (same rule as common.phones)."""

    function = "crm_normalize_phone"
    output_field = models.CharField(max_length=30)


def _search_columns():
    return [F(column) for column in SEARCH_COLUMNS]


class Customer(models.Model):
    class Type(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        INTENTION = "intention", _("Intention customer")
        SUSPENDED = "suspended", _("Suspended")

    class Grade(models.TextChoices):  # the seeded keys; the list itself is companylists.Grade
        NORMAL = "normal", _("Normal")
        VIP = "vip", _("VIP")

    class RevenueClass(models.TextChoices):
        """Key accounts by won revenue over 12 months (deals/abc.py, nightly); blank: no revenue."""

        A = "A", _("Class A (key account)")
        B = "B", _("Class B")
        C = "C", _("Class C")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Not given")
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    number = models.CharField(
        _("customer number"),
        max_length=20,
        unique=True,
        editable=False,
        db_default=models.functions.Concat(
            Value("KH"),
            LPad(Cast(Func(Value("crm_customer_number_seq"), function="nextval"), models.TextField()), 8, Value("0")),
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.INTENTION)
    notes = models.TextField(_("negotiation notes"), blank=True, max_length=20000)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, default="self")  # a key of companylists' sources
    grade = models.CharField(_("grade"), max_length=10, default=Grade.NORMAL)  # a key of companylists.Grade
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photos.upload_path, blank=True)  # a random name (crm/photos.py)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        help_text=_("Empty while the customer is in the isolation pool."),
        db_index=False,  # crm_cust_owner_created starts with the owner
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)  # indexed below
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    next_contact_on = models.DateField(_("next contact date"), null=True, blank=True)
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True, editable=False)
    pool_reason = models.CharField(_("reason given up"), max_length=255, blank=True, editable=False)
    locked = models.BooleanField(
        _("key customer"), default=False, db_default=False, editable=False,
        help_text=_("Marked by a supervisor or admin: never recycled to the pool automatically."),
    )

    # Written by the nightly classification only (deals/abc.py); NULL columns, so adding them
    # to a million customers rewrites nothing.
    revenue_class = models.CharField(_("revenue class"), max_length=1, choices=RevenueClass.choices, null=True,
                                     blank=True, editable=False)
    revenue_12m = models.DecimalField(_("won revenue, last 12 months"), max_digits=16, decimal_places=2, null=True,
                                      blank=True, editable=False)

    # The company's own fields (customfields): key -> value, validated on every write.
    custom = models.JSONField(_("custom fields"), default=dict, db_default={}, blank=True)
    normalized_phone = models.GeneratedField(
        expression=NormalizedPhone(F("phone")), output_field=models.CharField(max_length=30), db_persist=True
    )
    search_text = models.GeneratedField(
        expression=SearchText(*_search_columns()), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("cofollow_customer", "Can log follow-ups on the customer")]
        indexes = [
            # Custom fields' filters: custom @> {"key": value} (customfields.kinds.filter_for).
            GinIndex(fields=["custom"], name="crm_customer_custom_gin", opclasses=["jsonb_path_ops"]),
            GinIndex(CustomGrams(F("custom")), name="crm_customer_custom_grams"),  # searchable custom values
            # An expression index, not a stored column: the grams are computed once, by the index,
            # and a restore or bulk load does not write them into every row first.
            # Owned customers' grams here, pool customers' in the next: a row is in exactly one, so
            # moving a customer into or out of the pool writes its grams once, not twice.
            GinIndex(SearchGrams(F("search_text")), name="crm_customer_grams_gin", condition=models.Q(owner__isnull=False)),
            # The pool's own gram index: a pool search reads only pool customers' grams instead of
            # AND-ing the company's with a bitmap of every pool customer (李 in the pool: 300 → 40 ms).
            GinIndex(SearchGrams(F("search_text")), name="crm_cust_pool_grams_gin", condition=models.Q(owner__isnull=True)),
            # The lists' indexes cover owned customers only (every list is of owned customers; the
            # pool has its own below): a customer entering the pool leaves them without new entries.
            models.Index(fields=["owner", "-created_at"], name="crm_cust_owner_created", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["owner", "last_contact_at"], name="crm_cust_owner_contact", condition=models.Q(owner__isnull=False)),
            # Covers the overdue test (grade cadence) so per-person overdue counts read the index alone.
            models.Index(
                fields=["owner", "next_contact_on"], include=["id", "grade", "last_contact_at", "created_at"],
                name="crm_cust_owner_next_cover", condition=models.Q(owner__isnull=False),
            ),
            # recycle_soon: a person's (or a group's) customers by contact-or-created time.
            models.Index(
                F("owner"), Coalesce("last_contact_at", "created_at"), name="crm_cust_owner_recycle",
                condition=models.Q(owner__isnull=False, locked=False),
            ),
            models.Index(fields=["owner", "type", "-created_at"], name="crm_cust_owner_type", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["last_contact_at"], name="crm_cust_contact", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["created_at"], name="crm_cust_created_owned", condition=models.Q(owner__isnull=False)),
            # Owned customers only, so the admin's "to visit" views count from the index alone.
            models.Index(fields=["next_contact_on", "id"], name="crm_cust_next_owned", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["type", "-created_at"], name="crm_cust_type_created", condition=models.Q(owner__isnull=False)),
            models.Index(fields=["normalized_phone"], name="crm_cust_phone"),
            models.Index(fields=["name", "company"], name="crm_cust_name_company"),
            # The duplicate check (撞单) on name + company, case-insensitive as services and the
            # import ask it: without it every save read the whole table (323 ms at a million).
            models.Index(Upper("name"), Upper("company"), name="crm_cust_name_company_ci"),
            # The pool page's order (-pooled_at, -id): a recycle run gives thousands one pooled_at.
            models.Index(fields=["-pooled_at", "-id"], name="crm_cust_pooled_order", condition=models.Q(owner__isnull=True)),
            models.Index(
                fields=["grade", "-pooled_at", "-id"], name="crm_cust_pooled_grade", condition=models.Q(owner__isnull=True)
            ),
            # The revenue-class filter and the nightly job's "who had a class" (a few % of customers).
            models.Index(fields=["revenue_class", "-created_at"], name="crm_cust_revenue_class",
                         condition=models.Q(revenue_class__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})" if self.number else self.name

    def get_grade_display(self) -> str:
        """The grade's label in the reader's language (the company's list; a retired grade too)."""
        return grades.label(self.grade)

    def get_source_display(self) -> str:
        """The source's label in the reader's language (the company's list; a retired one too)."""
        return lists.label(lists.SOURCE, self.source)

    def get_industry_display(self) -> str:
        """A listed industry in the reader's language; free text as written."""
        return lists.industry_label(self.industry)

    @property
    def has_key_grade(self) -> bool:
        """Of the key grade (seeded: VIP), the one the badges and "overdue VIPs" mean."""
        return self.grade == grades.key_grade()

    def get_absolute_url(self) -> str:
        return reverse("crm:customer-detail", args=[self.pk])

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None


class Custody(models.Model):
    """Append-only: who held a customer, from when, and why. One row per change of owner."""

    class Reason(models.TextChoices):
        CREATED = "created", pgettext_lazy("custody reason", "Created")
        GAVE_UP = "gave_up", _("Given up to the pool")
        CLAIMED = "claimed", _("Claimed from the pool")
        RECYCLED = "recycled", _("Recycled to the pool")
        REASSIGNED = "reassigned", _("Reassigned")
        OFFBOARDED = "offboarded", _("Owner left the company")
        IMPORTED = "imported", _("Imported")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="custody")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("custody record")
        verbose_name_plural = _("custody history")
        indexes = [models.Index(fields=["customer", "-created_at"], name="crm_custody_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_owner_id} -> {self.to_owner_id} ({self.reason})"


class CustomerChange(models.Model):
    """Append-only record of a change to a customer's details (type, grade, edits): who and when."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="crm_change_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id}.{self.field}: {self.old_value} -> {self.new_value}"

    @property
    def field_label(self) -> str:
        """The changed field's name in the reader's language ("grade" -> 等级)."""
        if hasattr(self, "custom_label"):  # set by crm.custom.shown_changes
            return self.custom_label
        name = self.field.removesuffix("_id")
        try:
            return Customer._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a field since removed keeps its stored name
            return self.field

    def _value_label(self, value: str) -> str:
        """A choice field's stored value in the reader's language ("vip" -> VIP客户), else as stored."""
        try:
            field = Customer._meta.get_field(self.field)
        except FieldDoesNotExist:
            return value
        if isinstance(field, models.BooleanField):
            return str({"True": _("Yes"), "False": _("No")}.get(value, value))
        if self.field == "grade":  # the company's grades (companylists), a retired one too
            return grades.label(value)
        if self.field == "source":
            return lists.label(lists.SOURCE, value)
        return str(dict(field.flatchoices).get(value, value))

    @property
    def old_display(self) -> str:
        if hasattr(self, "custom_old"):
            return self.custom_old
        return self._value_label(self.old_value)

    @property
    def new_display(self) -> str:
        if hasattr(self, "custom_new"):
            return self.custom_new
        return self._value_label(self.new_value)


class FollowUp(models.Model):
    """One conversation with a customer (SPEC §2). `occurred_at` changes only by "continue this
    topic" (SPEC §2.4); editing fixes the words, never the time (SPEC §2.5)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="followups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followups")
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), max_length=20000)
    custom = models.JSONField(_("custom fields"), default=dict, db_default={}, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="crm_fu_customer_time"),
            models.Index(fields=["author", "-occurred_at"], name="crm_fu_author_time"),
            models.Index(fields=["-occurred_at"], name="crm_fu_time"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("crm:followup-detail", args=[self.pk])


class FollowUpRevision(models.Model):
    """What a follow-up said (and when) before an edit or a "continue this topic"."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("Edited")
        CONTINUE = "continue", _("Continued")

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    previous_subject = models.CharField(max_length=200)
    previous_content = models.TextField()
    previous_occurred_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class SavedSearch(models.Model):
    """A salesperson's named search (SPEC §1.A.17): the text, the fields it looks in, and every
    filter and view of the customer list it was saved from, so reopening it shows the same list."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=50)
    query = models.CharField(_("search text"), max_length=100, blank=True)
    fields = ArrayField(models.CharField(max_length=20), verbose_name=_("fields"), default=list, blank=True)
    view = models.CharField(_("one-click view"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    revenue_class = models.CharField(_("revenue class"), max_length=4, blank=True)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    sales_group = models.ForeignKey(
        "accounts.SalesGroup", verbose_name=_("sales group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    sort = models.CharField(_("sort"), max_length=20, blank=True)
    per_page = models.PositiveSmallIntegerField(_("per page"), null=True, blank=True)
    # Every other parameter of the list's FilterSet (filters other apps add, custom fields' filters).
    extra_params = models.JSONField(default=dict, blank=True)  # {"pairs": [[name, value], …]}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="crm_savedsearch_unique_name")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def list_params(*, query="", fields=(), view="", type="", grade="", salesperson_id=None, sales_group_id=None,
                    sort="", per_page=None, revenue_class="", extra=()) -> list[tuple[str, str]]:
        """The customer list's query string for these choices, in one fixed order (a saved search
        and the list compare them to know which saved search is open)."""
        params = [("q", query)] + [("fields", field) for field in fields] + [
            ("view", view), ("type", type), ("grade", grade), ("owner", salesperson_id or ""),
            ("group", sales_group_id or ""), ("sort", sort), ("per_page", per_page or ""),
            ("revenue_class", revenue_class), *sorted(extra),
        ]
        return [(key, str(value)) for key, value in params if value not in ("", None)]

    def params(self) -> list[tuple[str, str]]:
        return self.list_params(
            query=self.query, fields=self.fields, view=self.view, type=self.type, grade=self.grade,
            salesperson_id=self.salesperson_id, sales_group_id=self.sales_group_id, sort=self.sort,
            per_page=self.per_page, revenue_class=self.revenue_class,
            extra=[tuple(pair) for pair in self.extra_params.get("pairs", [])],
        )

    def get_absolute_url(self) -> str:
        return f"{reverse('crm:customer-list')}?{urlencode(self.params())}"


class CustomerUserObjectPermission(UserObjectPermissionBase):
    """A customer shared with a colleague (view, or co-follow: may log follow-ups)."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)


