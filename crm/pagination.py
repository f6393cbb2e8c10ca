"""Pagination that never counts a million rows: counts stop at a cap ("10,000+")."""

from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.utils.functional import cached_property

PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 10  # SPEC §3.3: ten a page
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000  # a search's matches are counted row by row: stop sooner
BROAD_SEARCH_COUNT_CAP = 200  # one character such as 李 matches one customer in seven


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap`: past it, pages run on but the total says "cap+"."""

    per_page_choices = PER_PAGE_CHOICES

    def __init__(self, object_list, per_page, cap=COUNT_CAP, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        # COUNT over a LIMITed subquery: bounded work however large the table is.
        rows = self.object_list.order_by()
        if hasattr(rows, "values"):  # count ids only: no joins, no annotations
            rows = rows.select_related(None).values("pk")
        return rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.capped:  # past the counted rows the pages run on
                return int(number)
            raise

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.capped:
            top = min(top, self.count)
        return self._get_page(self.object_list[bottom:top], number, self)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    def has_next(self):
        if self.paginator.capped and self.number >= self.paginator.num_pages:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


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
