"""Reads of customers: the §1.A views, the search box, filters and sorting, always starting
from the policy's queryset."""

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import pagination, timewindows
from common.phones import normalize_phone
from crm import policies
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp, SavedSearch, SearchGrams
from crm.services import cadence_days


@dataclass(frozen=True)
class QueryView:
    key: str
    label: str
    condition: Callable  # now -> Q
    ordering: tuple = ("-created_at", "-id")
    highlights_overdue: bool = False
    tile: bool = True  # one of the home page's tiles (the §1.A views)


def _in(window_fn, field):
    return lambda now: Q(**window_fn(now).as_filter(field))


def _due_by(window_fn):
    """Next contact date before the window's end: includes the overdue (the label says so)."""
    return lambda now: Q(next_contact_on__lt=timewindows.today(window_fn(now).end))


def overdue_q(now=None) -> Q:
    """Overdue by the grade's cadence: the next contact date has passed, or there is none and
    the last contact (or the creation) is older than the grade's cadence (VIP 7 days, normal 30)."""
    now = now or timezone.now()
    undated = Q()
    for grade in Customer.Grade.values:
        cutoff = now - timedelta(days=cadence_days(grade))
        undated |= Q(grade=grade) & (Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True, created_at__lt=cutoff))
    return Q(next_contact_on__lt=timewindows.today(now)) | (Q(next_contact_on__isnull=True) & undated)


# SPEC §1.A, items 1-12, in the spec's order, then the overdue list the home page links to.
# One definition per label: the home tiles, the home panels and the customer list all read these.
QUERY_VIEWS = [
    QueryView("contacted_today", _("Contacted today"), _in(timewindows.day_window, "last_contact_at"), ("-last_contact_at", "-id")),
    QueryView("visited_week", _("Visited this week"), _in(timewindows.week_window, "last_contact_at"), ("-last_contact_at", "-id")),
    QueryView("visited_month", _("Visited this month"), _in(timewindows.month_window, "last_contact_at"), ("-last_contact_at", "-id")),
    QueryView("visit_today", _("To visit today (incl. overdue)"), _due_by(timewindows.day_window), ("next_contact_on", "id"), True),
    QueryView("visit_week", _("To visit this week (incl. overdue)"), _due_by(timewindows.week_window), ("next_contact_on", "id"), True),
    QueryView("visit_month", _("To visit this month (incl. overdue)"), _due_by(timewindows.month_window), ("next_contact_on", "id"), True),
    QueryView("added_today", _("Added today"), _in(timewindows.day_window, "created_at")),
    QueryView("added_week", _("Added this week"), _in(timewindows.week_window, "created_at")),
    QueryView("added_month", _("Added this month"), _in(timewindows.month_window, "created_at")),
    QueryView("prospects", _("Prospects"), lambda now: Q(type=Customer.Type.PROSPECT)),
    QueryView("intentions", _("Intention customers"), lambda now: Q(type=Customer.Type.INTENTION)),
    QueryView("suspended", _("Suspended customers"), lambda now: Q(type=Customer.Type.SUSPENDED)),
    QueryView("overdue", _("Overdue by the grade's follow-up cadence"), overdue_q, ("next_contact_on", "id"), True, tile=False),
]
QUERY_VIEWS_BY_KEY = {view.key: view for view in QUERY_VIEWS}

# Fields a salesperson may choose for the search box (SPEC §1.A.17). Gender is matched by label.
SEARCH_FIELDS = [
    ("name", _("Name")),
    ("company", _("Company")),
    ("phone", _("Phone")),
    ("address", _("Address")),
    ("job_title", _("Job title")),
    ("industry", _("Industry")),
    ("notes", _("Negotiation notes")),
    ("number", _("Customer number")),
    ("gender", _("Gender")),
]
SEARCH_FIELD_NAMES = [name for name, _label in SEARCH_FIELDS]

SORTS = {
    "created": ("-created_at", "-id"),
    "created_asc": ("created_at", "id"),
    "name": ("name", "id"),
    "last_contact": ("-last_contact_at", "-id"),
    "next_contact": ("next_contact_on", "id"),
    "number": ("number",),
}

_GENDER_WORDS = {
    Customer.Gender.MALE: {"男", "male", "m", "先生"},
    Customer.Gender.FEMALE: {"女", "female", "f", "女士"},
}


def _grams(term: str) -> list[str]:
    if len(term) == 1:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


def search_terms(query: str) -> list[str]:
    return [term for term in re.split(r"\s+", (query or "").strip().lower()) if term][:5]


# A term whose every gram is in at least this share of customers is "too common": its gram
# index entries would narrow little, and walking the list's own order finds a page sooner.
COMMON_GRAM_SHARE = 0.05
GRAM_STATS_SECONDS = 600  # how long a process trusts the statistics it read
GRAM_STATS_MIN_ROWS = 50_000  # below this either way is fast: keep the simple rule
_gram_stats = {"read_at": None, "shares": None}


def _read_gram_shares() -> dict | None:
    """The share of customers holding each common gram, from the statistics PostgreSQL's ANALYZE
    (autovacuum) keeps on the gram index: its most common elements (up to 1,000) with their
    frequencies. None while the table is small or not analysed yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs"
            " FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
            " AND s.tablename = 'crm_customer_grams_gin'"
            " WHERE c.oid = to_regclass('crm_customer')"
        )
        row = cursor.fetchone()
    if not row or row[0] < GRAM_STATS_MIN_ROWS or not row[1]:
        return None
    return dict(zip(row[1], row[2]))


def _gram_shares() -> dict | None:
    now = time.monotonic()
    if _gram_stats["read_at"] is None or now - _gram_stats["read_at"] > GRAM_STATS_SECONDS:
        _gram_stats.update(read_at=now, shares=_read_gram_shares())
    return _gram_stats["shares"]


def _too_common(term: str) -> bool:
    """Terms whose grams would narrow little. A few digits always (only a hundred digit pairs
    exist, and every phone has many). Otherwise the statistics decide: 有 or 有限 are in most
    customers, 李 or 王芳 in few (a gram missing from the common list is rarer than all of it).
    Without statistics, any single character counts as common."""
    if term.isdigit() and len(term) <= 4:
        return True
    shares = _gram_shares()
    if shares is None:
        return len(term) == 1
    return min(shares.get(gram, 0.0) for gram in _grams(term)) >= COMMON_GRAM_SHARE


def _index_grams(term: str) -> list[str]:
    """The grams a search asks the index for. With statistics: the rare ones (not among the
    common grams), else the single least common, so PostgreSQL's estimate of the matches is its
    own statistics' figure instead of a product of frequencies it takes as independent (科技有限
    read as 1 match instead of 15,000 sent a salesperson's search through the whole company's
    matches rather than through their own 2,000 customers). The substring recheck keeps the
    answer exact whichever grams narrow it."""
    grams = _grams(term)
    shares = _gram_shares()
    if shares is None:
        return grams
    return [gram for gram in grams if gram not in shares] or [min(grams, key=shares.__getitem__)]


def is_broad_search(query: str) -> bool:
    """Every term is too common to narrow much: the page counts fewer matches before "more than"."""
    terms = search_terms(query)
    return bool(terms) and all(_too_common(term) for term in terms)


def search_count_cap(query: str) -> int:
    """How far a list counts its rows: far for plain lists, less for searches, least for broad ones."""
    if not query:
        return pagination.COUNT_CAP
    return pagination.BROAD_SEARCH_COUNT_CAP if is_broad_search(query) else pagination.SEARCH_COUNT_CAP


def _gender_q(term: str) -> Q:
    return Q(gender__in=[gender for gender, words in _GENDER_WORDS.items() if term in words])


def _field_q(field: str, term: str) -> Q:
    if field == "phone" and normalize_phone(term):
        return Q(phone__icontains=term) | Q(normalized_phone__contains=normalize_phone(term))
    return Q(**{f"{field}__icontains": term})


def apply_search(queryset: QuerySet, query: str, fields: list[str] | None = None, *, walk=False) -> QuerySet:
    """Substring search, fast for one- and two-character Chinese queries: the GIN index on the
    1-2 character grams narrows the rows, then the real substring condition rechecks them.
    `fields` limits the search to some columns (SPEC §1.A.17); none means every text column.
    `walk` leaves the grams out: the plain substring conditions, for reading a page by walking
    the list's own ordering index when the matches are known to be many (see paginate)."""
    chosen = [field for field in (fields or []) if field in SEARCH_FIELD_NAMES]
    text_fields = [field for field in chosen if field != "gender"]
    # The same expression as the GIN index crm_customer_grams_gin, so the planner uses it.
    queryset = queryset.alias(search_grams=SearchGrams(F("search_text")))
    for term in search_terms(query):
        if chosen and not text_fields:
            condition = _gender_q(term)
        else:
            recheck = Q(search_text__contains=term)
            if text_fields:
                recheck = Q()
                for field in text_fields:
                    recheck |= _field_q(field, term)
            # A term too common for its grams to narrow much (有, 有限): walking the list's own
            # index with the substring check is faster. With chosen fields the match is rarer
            # than the gram, so the gram index pays again.
            use_grams = not walk and (text_fields or not _too_common(term))
            condition = Q(search_grams__contains=_index_grams(term)) & recheck if use_grams else recheck
            if "gender" in chosen:
                condition |= _gender_q(term)
        queryset = queryset.filter(condition)
    return queryset


@dataclass
class CustomerQuery:
    """What a customer list asks for, already validated by the list form."""

    view: str = ""
    q: str = ""
    fields: tuple = ()
    owner: object = None
    group: object = None
    type: str = ""
    grade: str = ""
    sort: str = ""

    def narrows(self) -> bool:
        """Something was searched for or filtered on (worth saving; "no customers match")."""
        return bool(self.q or self.view or self.type or self.grade or self.owner or self.group)


def open_saved_search(searches, query: CustomerQuery, per_page: int | None):
    """Which of `searches` the list shows now (same text, fields, filters, view, sort and page
    size), or None."""
    shown = SavedSearch.list_params(
        query=query.q, fields=query.fields, view=query.view, type=query.type, grade=query.grade,
        salesperson_id=getattr(query.owner, "pk", None), sales_group_id=getattr(query.group, "pk", None),
        sort=query.sort, per_page=per_page,
    )
    return next((search for search in searches if search.params() == shown), None)


def customer_list(user, query: CustomerQuery, *, now=None) -> QuerySet[Customer]:
    """The customers `user` may see, narrowed by the §1.A view, search and filters."""
    return _narrow(policies.visible_customers(user), user, query, now=now)


def customer_list_and_walk(user, query: CustomerQuery, *, now=None) -> tuple[QuerySet[Customer], QuerySet | None]:
    """customer_list and, for a search, the same rows searched without the gram index (the
    `walk` of common.pagination.paginate), from one look at what `user` may see."""
    visible, now = policies.visible_customers(user), now or timezone.now()  # one "today" for both
    rows = _narrow(visible, user, query, now=now)
    return rows, (_narrow(visible, user, query, now=now, walk=True) if query.q else None)


def _narrow(customers: QuerySet, user, query: CustomerQuery, *, now=None, walk=False) -> QuerySet[Customer]:
    view = QUERY_VIEWS_BY_KEY.get(query.view)
    if view is not None:
        customers = customers.filter(view.condition(now))
    if query.owner is not None:
        customers = customers.filter(owner=query.owner)
    if query.group is not None:
        customers = customers.filter(owner__sales_group=query.group)
    if query.type:
        customers = customers.filter(type=query.type)
    if query.grade:
        customers = customers.filter(grade=query.grade)
    if query.q:
        customers = apply_search(customers, query.q, list(query.fields), walk=walk)
    ordering = SORTS.get(query.sort) or (view.ordering if view else SORTS["created"])
    customers = customers.select_related("owner__sales_group").order_by(*ordering)
    if not user.is_admin:
        shared = CustomerUserObjectPermission.objects.filter(user_id=user.pk, content_object_id=OuterRef("pk"))
        customers = customers.annotate(shared_with_me=Exists(shared))
    return customers


def custody_history(customer: Customer) -> QuerySet[Custody]:
    return customer.custody.select_related("from_owner", "to_owner", "actor")


def change_history(customer: Customer):
    return customer.changes.select_related("by")[:50]


def shares_of(customer: Customer):
    """Who the customer is shared with, and how (for its owner, supervisor and admins)."""
    grants = (
        CustomerUserObjectPermission.objects.filter(content_object=customer)
        .select_related("user", "permission")
        .order_by("user__username")
    )
    people = {}
    for grant in grants:
        entry = people.setdefault(grant.user_id, {"user": grant.user, "cofollow": False})
        entry["cofollow"] |= grant.permission.codename == policies.COFOLLOW_SHARE
    return list(people.values())


def deletion_summary(customer: Customer) -> dict:
    """What a real delete loses, counted for the confirmation page."""
    return {
        "custody": customer.custody.count(),
        "changes": customer.changes.count(),
        "shares": CustomerUserObjectPermission.objects.filter(content_object=customer).count(),
        "photo": bool(customer.photo),
    }


def view_rows(customers: QuerySet[Customer], *, now=None) -> dict[str, QuerySet[Customer]]:
    """Each view's key -> its customers among `customers` (a policy queryset), unordered: the
    home page counts them all at once (pagination.capped_counts) and shows the first few."""
    return {view.key: customers.filter(view.condition(now)) for view in QUERY_VIEWS}


# --- Follow-ups -------------------------------------------------------------------------------


def followup_window(key: str, *, now=None):
    """The one-click windows of the follow-ups page (SPEC §2.2)."""
    if key == "today":
        return timewindows.day_window(now)
    if key == "3days":  # today and the two days before, from local midnight
        day = timewindows.today(now)
        return timewindows.Window(timewindows.local_midnight(day - timedelta(days=2)), None)
    if key == "week":
        return timewindows.week_window(now)
    if key == "month":
        return timewindows.month_window(now)
    return None


def followup_list(user, *, window=None, author=None) -> QuerySet[FollowUp]:
    """The follow-ups page (and its export): the records `user` may see, written by the people
    whose work they oversee (themselves; a supervisor's groups; an admin everyone)."""
    followups = policies.visible_followups(user)
    if not user.is_admin:
        followups = followups.filter(author_id__in=policies.overseen_owner_ids(user))
    if window is not None:
        followups = followups.filter(**window.as_filter("occurred_at"))
    if author is not None:
        followups = followups.filter(author=author)
    return followups.select_related("customer", "author").order_by("-occurred_at", "-id")


def customer_log(customer: Customer, *, limit=50) -> list[FollowUp]:
    """A customer's conversations, newest first: the whole log, whoever wrote it."""
    return list(customer.followups.select_related("author").order_by("-occurred_at", "-id")[:limit])


# --- The pool (SPEC §3) -------------------------------------------------------------------------

# One-click windows by time in the pool: the last day, 3 days, week, month, year.
POOL_WINDOWS = {"day": 1, "3days": 3, "week": 7, "month": 30, "year": 365}


@dataclass
class PoolQuery:
    """What the pool page asks for, already validated by its form."""

    window: object = None  # a timewindows.Window over pooled_at, or None
    q: str = ""
    grade: str = ""
    type: str = ""
    source: str = ""
    industry: str = ""
    previous_owner: object = None


# Custody rows that put a customer in the pool: given up, recycled, or its owner left (to no one).
POOL_ENTRY = Q(reason__in=[Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED]) | Q(
    reason=Custody.Reason.OFFBOARDED, to_owner__isnull=True
)


def _let_go():
    """The latest custody row that put a customer in the pool (given up, recycled, owner left)."""
    return Custody.objects.filter(POOL_ENTRY, customer_id=OuterRef("pk")).order_by("-created_at", "-id")


def pool_list(user, query: PoolQuery, *, walk=False) -> QuerySet[Customer]:
    """The pool customers `user` may browse, newest in the pool first (`walk`: see apply_search)."""
    customers = policies.pool_customers(user)
    if query.window is not None:
        customers = customers.filter(**query.window.as_filter("pooled_at"))
    for field in ("grade", "type", "source"):
        if getattr(query, field):
            customers = customers.filter(**{field: getattr(query, field)})
    if query.industry:
        customers = customers.filter(industry__icontains=query.industry)
    if query.q:
        customers = apply_search(customers, query.q, walk=walk)
    if query.previous_owner is not None:
        customers = customers.annotate(previous_owner_id=Subquery(_let_go().values("from_owner_id")[:1])).filter(
            previous_owner_id=query.previous_owner.pk
        )
    # Newest in the pool first, walking the partial index crm_cust_pooled (DESC, nulls first).
    return customers.order_by("-pooled_at", "-id")


def with_previous_owners(customers) -> list[Customer]:
    """Set `previous_owner` (who let each go last, or None) on one page of pool customers, in one
    query: annotating the whole list would run the lookup for every row the page count touches."""
    customers = list(customers)
    rows = (
        Custody.objects.filter(POOL_ENTRY, customer_id__in=[c.pk for c in customers])
        .select_related("from_owner").order_by("customer_id", "-created_at", "-id").distinct("customer_id")
    )
    latest = {row.customer_id: row.from_owner for row in rows}
    for customer in customers:
        customer.previous_owner = latest.get(customer.pk)
    return customers


def recycle_days(grade: str) -> int:
    """Days without a contact after which recycle_pool returns a customer of this grade."""
    return settings.POOL_RECYCLE_DAYS_VIP if grade == Customer.Grade.VIP else settings.POOL_RECYCLE_DAYS_NORMAL


def recycle_soon(user, *, within_days=3, now=None, owner_ids=None, limit=20, customers=None) -> list[Customer]:
    """`user`'s own customers (or those of `owner_ids` that `user` may see) that recycle_pool
    will return to the pool within `within_days` (key customers never are): the `limit` longest
    without a contact, soonest recycled first, each with `recycle_at` and `recycle_after_days`.
    `customers`: `user`'s visible customers when the caller has them already."""
    now = now or timezone.now()
    horizon = now + timedelta(days=within_days)
    due = Q()
    for grade in Customer.Grade.values:
        cutoff = horizon - timedelta(days=recycle_days(grade))
        due |= Q(grade=grade, contact_or_created__lt=cutoff)
    # The latest cutoff, said once, lets the index crm_cust_owner_recycle narrow the rows.
    due &= Q(contact_or_created__lt=max(horizon - timedelta(days=recycle_days(g)) for g in Customer.Grade.values))
    customers = (
        (policies.visible_customers(user) if customers is None else customers)
        .filter(owner_id__in=owner_ids or [user.pk], locked=False)
        .select_related("owner")
        .annotate(contact_or_created=Coalesce("last_contact_at", "created_at"))
        .filter(due).order_by("contact_or_created", "id")[:limit]
    )
    found = list(customers)
    for customer in found:
        customer.recycle_after_days = recycle_days(customer.grade)
        customer.recycle_at = max(now, customer.contact_or_created + timedelta(days=customer.recycle_after_days))
    return sorted(found, key=lambda customer: customer.recycle_at)


def probation_soon(*, within_days=3, now=None, owner_ids=None) -> list[Customer]:
    """Claimed customers that recycle_pool's probation rule (POOL_CLAIM_PROBATION_HOURS, 0: off)
    returns to the pool within `within_days` unless contacted: the latest custody row (by id) is
    the claim, the claimer still holds it, it is not a key customer and has had no contact since
    the claim. Each with `recycle_at`. (The rule of crm.services._PROBATION_SQL, read-only.)"""
    hours = settings.POOL_CLAIM_PROBATION_HOURS
    if hours <= 0:
        return []
    now = now or timezone.now()
    horizon = now + timedelta(days=within_days) - timedelta(hours=hours)
    later = Custody.objects.filter(customer_id=OuterRef("customer_id"), pk__gt=OuterRef("pk"))
    claims = (
        Custody.objects.filter(reason=Custody.Reason.CLAIMED, created_at__lt=horizon,
                               created_at__gte=now - timedelta(hours=hours, days=within_days),
                               customer__owner_id=F("to_owner_id"), customer__locked=False)
        .filter(Q(customer__last_contact_at__isnull=True) | Q(customer__last_contact_at__lt=F("created_at")))
        .exclude(Exists(later))
        .select_related("customer")
    )
    if owner_ids is not None:
        claims = claims.filter(to_owner_id__in=owner_ids)
    found = []
    for claim in claims.order_by("created_at", "id"):
        claim.customer.recycle_at = max(now, claim.created_at + timedelta(hours=hours))
        found.append(claim.customer)
    return found
