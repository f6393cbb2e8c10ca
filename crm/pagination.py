"""Pagination that never counts a million rows: counts stop at a cap ("10,000+")."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.functional import cached_property

PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 10  # SPEC §3.3: ten a page
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000  # a search's matches are counted row by row: stop sooner


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap`: past it, pages run on but the total says "cap+"."""

    per_page_choices = PER_PAGE_CHOICES

    def __init__(self, object_list, per_page, cap=COUNT_CAP, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        # COUNT over a LIMITed subquery: bounded work however large the table is.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def paginate(request, queryset, *, default_per_page=DEFAULT_PER_PAGE, cap=COUNT_CAP) -> Page:
    """The page asked for by ?page= and ?per_page= (a bad value falls back to the first page)."""
    try:
        per_page = int(request.GET.get("per_page", default_per_page))
    except ValueError:
        per_page = default_per_page
    if per_page not in PER_PAGE_CHOICES:
        per_page = default_per_page
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        return paginator.page(1)
