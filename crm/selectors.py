"""Reads of customers: the §1.A views and sorts, always starting from the policy's queryset.
The lists' query strings are read by their FilterSets (crm.filters)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import timewindows
from companylists import grades
from crm import holds, policies
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp, SavedSearch


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
    the last contact (or the creation) is older than the grade's cadence (companylists.Grade: seeded VIP 7 days, normal 30)."""
    now = now or timezone.now()
    undated = Q()
    for grade in grades.all_grades():  # a handful of grades, from the cached list
        cutoff = now - timedelta(days=grade.cadence_days)
        undated |= Q(grade=grade.key) & (Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True, created_at__lt=cutoff))
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

SORTS = {
    "created": ("-created_at", "-id"),
    "created_asc": ("created_at", "id"),
    "name": ("name", "id"),
    "last_contact": ("-last_contact_at", "-id"),
    "next_contact": ("next_contact_on", "id"),
    "number": ("number",),
}

NO_REVENUE = "none"  # the revenue-class filter's "no won revenue in 12 months" (no class)


@dataclass
class CustomerQuery:
    """What a customer list was asked for, as its FilterSet validated it (crm.filters)."""

    view: str = ""
    q: str = ""
    fields: tuple = ()
    owner: object = None
    group: object = None
    type: str = ""
    grade: str = ""
    sort: str = ""
    revenue_class: str = ""  # A, B, C or NO_REVENUE
    # Every other filter's parameters that validated (custom fields', other apps'): ((name, value), …).
    extra: tuple = ()

    def narrows(self) -> bool:
        """Something was searched for or filtered on (worth saving; "no customers match")."""
        return bool(self.q or self.view or self.type or self.grade or self.owner or self.group or self.revenue_class
                    or self.extra)


def open_saved_search(searches, query: CustomerQuery, per_page: int | None):
    """Which of `searches` the list shows now (same text, fields, filters, view, sort and page
    size), or None."""
    shown = SavedSearch.list_params(
        query=query.q, fields=query.fields, view=query.view, type=query.type, grade=query.grade,
        salesperson_id=getattr(query.owner, "pk", None), sales_group_id=getattr(query.group, "pk", None),
        sort=query.sort, per_page=per_page, revenue_class=query.revenue_class, extra=query.extra,
    )
    return next((search for search in searches if search.params() == shown), None)


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
    authors = policies.overseen_scope(user)
    if authors is not None:
        followups = followups.filter(author_id__in=authors)
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


# Custody rows that put a customer in the pool: given up, recycled, or its owner left (to no one).
POOL_ENTRY = Q(reason__in=[Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED]) | Q(
    reason=Custody.Reason.OFFBOARDED, to_owner__isnull=True
)


def let_go():
    """The latest custody row that put a customer in the pool (given up, recycled, owner left)."""
    return Custody.objects.filter(POOL_ENTRY, customer_id=OuterRef("pk")).order_by("-created_at", "-id")


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
    return grades.recycle_days(grade)


def recycle_soon(user, *, within_days=3, now=None, owner_ids=None, limit=20, customers=None) -> list[Customer]:
    """`user`'s own customers (or those of `owner_ids` that `user` may see) that recycle_pool
    will return to the pool within `within_days` (key customers and held ones never are): the `limit` longest
    without a contact, soonest recycled first, each with `recycle_at` and `recycle_after_days`.
    `customers`: `user`'s visible customers when the caller has them already."""
    now = now or timezone.now()
    horizon = now + timedelta(days=within_days)
    due = Q()
    for grade in grades.all_grades():
        due |= Q(grade=grade.key, contact_or_created__lt=horizon - timedelta(days=grade.recycle_days))
    # The latest cutoff, said once, lets the index crm_cust_owner_recycle narrow the rows.
    due &= Q(contact_or_created__lt=horizon - timedelta(days=min(g.recycle_days for g in grades.all_grades())))
    customers = (
        (policies.visible_customers(user) if customers is None else customers)
        .filter(owner_id__in=owner_ids or [user.pk], locked=False)
        .select_related("owner")
        .annotate(contact_or_created=Coalesce("last_contact_at", "created_at"))
        .filter(due).order_by("contact_or_created", "id")
    )
    customers = holds.exclude_held(customers)[:limit]
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
    claims = holds.exclude_held(claims)
    found = []
    for claim in claims.order_by("created_at", "id"):
        claim.customer.recycle_at = max(now, claim.created_at + timedelta(hours=hours))
        found.append(claim.customer)
    return found
