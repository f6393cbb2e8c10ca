"""The yardstick `manage.py bench` compares our customer lists with: the Django admin changelist.

Admin-based CRMs (DjangoCRM and the like) show customers through `ModelAdmin.changelist_view`:
`search_fields` with `icontains` on every text column, `list_filter`, a full COUNT(*) of the
matches and of the whole table, OFFSET paging. These sites are never in the project's URLs:
only `benchmarks.admin_urls` (used by the bench command alone) mounts them, so nobody can open them.
Each site scopes rows with the same policy querysets our pages use, so both sides read the
same rows and only the engine differs.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import admin
from django.utils import timezone

from common import timewindows
from common.pagination import DEFAULT_PER_PAGE
from crm import policies
from crm.models import Customer
from crm.selectors import POOL_WINDOWS, QUERY_VIEWS_BY_KEY

# The columns our search box covers (crm.search.SEARCH_FIELDS without gender, matched by label).
SEARCH_FIELDS = ["name", "company", "phone", "address", "job_title", "industry", "notes", "number"]
LIST_DISPLAY = (
    "number", "name", "company", "phone", "type", "grade", "owner",
    "last_contact_at", "next_contact_on", "created_at", "pooled_at",
)


class BenchAdminSite(admin.AdminSite):
    """An admin site for measuring only: any active user of the benchmark may open it."""

    def has_permission(self, request):
        return request.user.is_active


class _CustomerAdmin(admin.ModelAdmin):
    list_display = LIST_DISPLAY
    search_fields = SEARCH_FIELDS
    list_filter = ("type", "grade", "source", "owner", "created_at", "last_contact_at", "next_contact_on", "pooled_at")
    list_per_page = DEFAULT_PER_PAGE
    actions = None  # no checkbox column: our lists have none either

    def has_view_permission(self, request, obj=None):
        return request.user.is_active

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CustomerListAdmin(_CustomerAdmin):
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return policies.visible_customers(request.user)


class PoolListAdmin(_CustomerAdmin):
    ordering = ("-pooled_at", "-id")

    def get_queryset(self, request):
        return policies.pool_customers(request.user)


customers_site = BenchAdminSite(name="bench_customers_admin")
customers_site.register(Customer, CustomerListAdmin)
pool_site = BenchAdminSite(name="bench_pool_admin")
pool_site.register(Customer, PoolListAdmin)

# Where benchmarks.admin_urls mounts the two changelists.
CUSTOMERS_PREFIX = "/bench-admin/customers/crm/customer/"
POOL_PREFIX = "/bench-admin/pool/crm/customer/"


def _order_param(ordering) -> dict:
    """The admin's ?o= for one of our orderings: first column only, as a user clicking it would."""
    field = ordering[0].lstrip("-")
    if field not in LIST_DISPLAY:
        return {}
    return {"o": f"{'-' if ordering[0].startswith('-') else ''}{LIST_DISPLAY.index(field) + 1}"}


def _stamp(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def admin_url(url: str, *, now=None):
    """The admin changelist URL that asks the same question as our page at `url`, or None when
    the admin cannot ask it (our search limited to chosen fields, pages that are not lists)."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    now = now or timezone.now()
    params = {}
    if parts.path == "/customers/":
        prefix = CUSTOMERS_PREFIX
        if query.get("fields"):
            return None
        view = QUERY_VIEWS_BY_KEY.get(query.get("view", ""))
        if view is not None:
            view_params = _view_params(view, now)
            if view_params is None:
                return None
            params.update(view_params)
            params.update(_order_param(view.ordering))
    elif parts.path == "/pool/":
        prefix = POOL_PREFIX
        days = POOL_WINDOWS.get(query.get("window", ""))
        if days:
            params.update({key: _stamp(value) for key, value in timewindows.last(now, days=days).as_filter("pooled_at").items()})
        if query.get("grade"):
            params["grade__exact"] = query["grade"]
    else:
        return None
    if query.get("q"):
        params["q"] = query["q"]
    if query.get("page"):
        params["p"] = query["page"]
    return f"{prefix}?{urlencode(params)}" if params else prefix


def _view_params(view, now) -> dict | None:
    """The §1.A view's condition as the admin's date and choice filter parameters; None when it
    nests conditions (an OR: overdue) that the admin's filter parameters cannot say."""
    condition = view.condition(now)
    if condition.connector != "AND" or condition.negated or any(not isinstance(child, tuple) for child in condition.children):
        return None
    params = {}
    for lookup, value in condition.children:
        if lookup == "type":
            params["type__exact"] = value
        else:
            params[lookup] = _stamp(value)
    return params
