"""The customer search box: which terms to ask the gram index for, how to recheck them, and
the gram statistics that plan it. Lists (crm.selectors) call apply_search; nothing else reads
PostgreSQL's statistics.

Chinese substring search must be fast for one- and two-character queries (李), which pg_trgm
cannot index: the GIN expression index on every 1-2 character gram (crm.models.SearchGrams)
narrows the rows and the real substring condition rechecks them. A term too common for its grams
to narrow much (有, 有限) is better served by walking the list's own ordering index; PostgreSQL's
own statistics on the gram index say which terms those are.
"""

import re
import time

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from common import bulk, pagination
from common.phones import normalize_phone
from crm.models import CustomGrams, Customer, SearchGrams

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


class GramStatistics:
    """How common each gram is among owned customers, as PostgreSQL's ANALYZE (or autovacuum)
    last counted it on the gram index: its most common elements (up to 1,000) with their shares.

    Read once per `lifetime` seconds per process (one query), so a search costs no extra query;
    `common.bulk.analyze` of the customers table makes the next search read them again at once,
    within the lifetime. None means no statistics to trust (fewer than `min_rows` customers, or
    never analysed): the planning falls back to simple rules.
    """

    def __init__(self, *, lifetime: float, min_rows: int, clock=time.monotonic):
        self.lifetime = lifetime
        self.min_rows = min_rows
        self._clock = clock
        self._read = None  # (monotonic time of the read, shares or None), replaced whole

    @classmethod
    def known(cls, shares: dict | None) -> "GramStatistics":
        """Statistics fixed in advance (tests): never read from the database."""
        statistics = cls(lifetime=float("inf"), min_rows=0)
        statistics._read = (float("-inf"), shares)
        return statistics

    def shares(self) -> dict | None:
        read = self._read
        if read is None or self._clock() - read[0] > self.lifetime:
            read = self._read = (self._clock(), self._read_from_database())
        return read[1]

    def forget(self) -> None:
        """The next search reads the statistics again (after an ANALYZE of the customers)."""
        self._read = None

    def _read_from_database(self) -> dict | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs"
                " FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
                " AND s.tablename = 'crm_customer_grams_gin'"
                " WHERE c.oid = to_regclass('crm_customer')"
            )
            row = cursor.fetchone()
        if not row or row[0] < self.min_rows or not row[1]:
            return None
        return dict(zip(row[1], row[2]))


# Ten minutes: statistics change only when the table is analysed; a bulk job's ANALYZE
# (common.bulk.analyze) refreshes them at once, autovacuum's within the lifetime. Below 50,000
# customers either plan is fast: the simple rules serve.
gram_statistics = GramStatistics(lifetime=600, min_rows=50_000)


@receiver(bulk.analyzed, dispatch_uid="crm.search.forget_gram_statistics")
def _forget_gram_statistics(sender, tables, **kwargs):
    if Customer._meta.db_table in tables:
        gram_statistics.forget()


def _too_common(term: str) -> bool:
    """Terms whose grams would narrow little. A few digits always (only a hundred digit pairs
    exist, and every phone has many). Otherwise the statistics decide: 有 or 有限 are in most
    customers, 李 or 王芳 in few (a gram missing from the common list is rarer than all of it).
    Without statistics, any single character counts as common."""
    if term.isdigit() and len(term) <= 4:
        return True
    shares = gram_statistics.shares()
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
    shares = gram_statistics.shares()
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


# Other apps whose records find their customer (contacts: a contact's name or phone). Each is
# fn(term, *, fields, grams) -> Q or None, a condition on customers OR-ed with the customer's own
# for that term: `fields` are the chosen text fields (empty: all), `grams` the grams to ask an
# index for, or None when the search walks the list's own order (then a correlated EXISTS per
# customer is the cheap form). Registered in the app's ready(); crm imports none of them.
_extensions = []


def register_search_extension(fn) -> None:
    if fn not in _extensions:
        _extensions.append(fn)


def _extended(condition: Q, term: str, *, fields: list[str], grams: list[str] | None) -> Q:
    for extension in _extensions:
        extra = extension(term, fields=fields, grams=grams)
        if extra is not None:
            condition |= extra
    return condition


def apply_search(queryset: QuerySet, query: str, fields: list[str] | None = None, *, walk=False,
                 extra=None) -> QuerySet:
    """Substring search, fast for one- and two-character Chinese queries: the GIN index on the
    1-2 character grams narrows the rows, then the real substring condition rechecks them.
    `fields` limits the search to some columns (SPEC §1.A.17); none means every text column.
    `walk` leaves the grams out: the plain substring conditions, for reading a page by walking
    the list's own ordering index when the matches are known to be many (see paginate).
    `extra(term, grams=)`: a condition OR-ed for each term (the custom fields the searcher may see,
    crm.custom.search_condition); when `fields` were chosen and none is built in, it alone."""
    chosen = [field for field in (fields or []) if field in SEARCH_FIELD_NAMES]
    extra_only = bool(fields) and not chosen
    text_fields = [field for field in chosen if field != "gender"]
    # The same expression as the GIN index crm_customer_grams_gin, so the planner uses it.
    queryset = queryset.alias(search_grams=SearchGrams(F("search_text")), custom_grams=CustomGrams(F("custom")))
    for term in search_terms(query):
        extra_condition = extra(term, grams=None if walk else _grams(term)) if extra else None
        if extra_only:
            queryset = queryset.filter(extra_condition if extra_condition is not None else Q(pk__in=[]))
            continue
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
            condition = _extended(condition, term, fields=text_fields,
                                  grams=_index_grams(term) if use_grams else None)
            if "gender" in chosen:
                condition |= _gender_q(term)
        if extra_condition is not None:
            condition |= extra_condition
        queryset = queryset.filter(condition)
    return queryset
