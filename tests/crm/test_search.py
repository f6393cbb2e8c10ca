import re

import pytest
from django.db import connection
from django.urls import reverse

from common import bulk
from crm import search
from crm.models import Customer, SavedSearch
from crm.search import apply_search
from crm.filters import customer_list
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def names(user, q, fields=()):
    return sorted(customer_list(user, {"q": q, "fields": list(fields)}).values_list("name", flat=True))


@pytest.fixture
def people(cast):
    CustomerFactory(name="李明", company="上海宏达", phone="13812345678", address="上海市浦东新区", owner=cast.sales1, gender="male")
    CustomerFactory(name="王李娜", company="南京鑫源", phone="15900000001", owner=cast.sales1, gender="female")
    CustomerFactory(name="张伟", company="李氏集团", phone="18600000002", notes="客户说下周再谈", owner=cast.sales1)
    CustomerFactory(name="陈静", company="北京博远", phone="+86 138-2222-3333", owner=cast.sales1)
    CustomerFactory(name="李强", company="杭州天成", phone="13900000003", owner=cast.sales2)
    return cast


def test_one_chinese_character_finds_it_in_any_field(people):
    assert names(people.sales1, "李") == ["张伟", "李明", "王李娜"]


def test_two_characters_find_the_exact_pair(people):
    assert names(people.sales1, "李娜") == ["王李娜"]
    assert names(people.sales1, "娜李") == []


def test_three_or_more_characters(people):
    assert names(people.sales1, "浦东新区") == ["李明"]
    assert names(people.sales1, "下周再谈") == ["张伟"]


def test_digits_find_phones_containing_them_whatever_the_formatting(people):
    # In the phone column: customer numbers come from a sequence the whole run shares, so one
    # of them (KH00001380...) may contain 138 too, depending on the tests that ran before.
    assert names(people.sales1, "138", fields=["phone"]) == ["李明", "陈静"]
    assert names(people.sales1, "13822223333") == ["陈静"]


def test_latin_search_ignores_case(cast):
    CustomerFactory(name="Alice Wong", company="ACME Ltd", owner=cast.sales1)
    assert names(cast.sales1, "acme") == ["Alice Wong"]
    assert names(cast.sales1, "ALICE wong") == ["Alice Wong"]


def test_chosen_fields_limit_the_search(people):
    assert names(people.sales1, "李", ["name"]) == ["李明", "王李娜"]
    assert names(people.sales1, "李", ["company"]) == ["张伟"]
    assert names(people.sales1, "男", ["gender"]) == ["李明"]
    assert names(people.sales1, "男", ["name", "gender"]) == ["李明"]


def test_search_never_reaches_past_the_policy(people):
    assert "李强" not in names(people.sales1, "李")
    assert "李强" in names(people.admin, "李")
    assert "李强" not in names(people.sup1, "李")


def test_wildcards_in_a_query_are_literal(people):
    assert names(people.sales1, "%") == []
    assert names(people.sales1, "_") == []


def _text(response) -> str:
    """The page as a reader sees it: search hits are marked inside names (<mark>李</mark>明)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def test_the_search_box_on_the_page(people, client_for):
    page = _text(client_for(people.sales1).get(reverse("crm:customer-list"), {"q": "李"}))
    assert "李明" in page and "王李娜" in page and "李强" not in page
    assert "3 results" in page


def test_salesperson_can_save_a_search_and_use_it(people, client_for):
    client = client_for(people.sales1)
    response = client.post(reverse("crm:saved-search-create"), {"name": "姓李的", "q": "李", "fields": ["name"]})
    search = SavedSearch.objects.get(owner=people.sales1)
    assert response.headers["Location"] == search.get_absolute_url()
    page = _text(client.get(search.get_absolute_url()))
    assert "姓李的" in page and "李明" in page and "张伟" not in page


def test_saving_an_empty_search_is_refused(people, client_for):
    client_for(people.sales1).post(reverse("crm:saved-search-create"), {"name": "空", "q": "  "})
    assert not SavedSearch.objects.exists()


def test_salesperson_cannot_delete_someone_elses_saved_search(people, client_for):
    search = SavedSearch.objects.create(owner=people.sales2, name="mine", query="李")
    response = client_for(people.sales1).post(reverse("crm:saved-search-delete", args=[search.pk]))
    assert response.status_code == 404 and SavedSearch.objects.filter(pk=search.pk).exists()


def test_pages_run_on_past_the_counted_matches(cast, client_for, monkeypatch):
    from common import pagination

    monkeypatch.setattr(pagination, "BROAD_SEARCH_COUNT_CAP", 20)
    for i in range(35):
        CustomerFactory(name=f"李{i}", owner=cast.sales1)
    client = client_for(cast.sales1)
    assert "More than 20 results" in client.get(reverse("crm:customer-list"), {"q": "李"}).content.decode()
    fourth = client.get(reverse("crm:customer-list"), {"q": "李", "page": 4}).context["page_obj"]
    assert fourth.number == 4 and len(fourth.object_list) == 5  # 35 matches, 10 a page
    assert not fourth.has_next()
    assert client.get(reverse("crm:customer-list"), {"q": "李", "page": 3}).context["page_obj"].has_next()


@pytest.mark.parametrize("text", [
    "李四", "北京 朝阳区", "a b\nc", "张\u3000三丰", "ab", "odd", "x", "", "  ", "😀李😀", "KH00000001\n138 0013 8000",
])
def test_the_index_holds_every_gram_a_search_can_ask_for(text):
    """The GIN index finds a row only through its grams: every 1- and 2-character piece of the
    text that has no whitespace must be among them, whatever the spacing and length."""
    wanted = {text[i : i + size] for size in (1, 2) for i in range(len(text) - size + 1)}
    wanted = {gram for gram in wanted if not any(ch.isspace() for ch in gram)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT crm_grams(%s)", [text])
        grams = set(cursor.fetchone()[0])
    assert wanted <= grams


@pytest.mark.parametrize("scope, index", [
    ("admin", "crm_customer_grams_gin"),       # owned customers: owner_id IS NOT NULL
    ("supervisor", "crm_customer_grams_gin"),  # owner_id IN (their people): implies owned
    ("salesperson", "crm_customer_grams_gin"),
    ("pool", "crm_cust_pool_grams_gin"),
])
def test_the_search_uses_the_gram_index(people, scope, index):
    """The query's gram expression (and scope) must match an index's own, partial ones included,
    or every search reads the whole table."""
    from crm import policies

    user = {"admin": people.admin, "supervisor": people.sup1, "salesperson": people.sales1}.get(scope)
    rows = policies.pool_customers(people.sales1) if scope == "pool" else policies.visible_customers(user)
    customers = apply_search(rows, "王芳")
    with connection.cursor() as cursor:
        # On a table this small the planner prefers any btree: take them away (in the test's
        # transaction), so the plan shows whether the gram index can serve this scope at all.
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'crm_customer' AND indexname NOT LIKE '%%grams%%'"
                       " AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = customers.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


def _statistics(monkeypatch, shares):
    monkeypatch.setattr(search, "gram_statistics", search.GramStatistics.known(shares))


def test_the_statistics_decide_which_terms_are_too_common_for_the_index(monkeypatch):
    _statistics(monkeypatch, {"有": 0.93, "限": 0.9, "有限": 0.9, "王": 0.08, "芳": 0.03})
    assert search.is_broad_search("有限")  # in nine customers of ten: walk the list's order
    assert not search.is_broad_search("李")  # not among the common grams: the index narrows
    assert not search.is_broad_search("王芳")  # one of its grams is rare enough
    assert search.is_broad_search("138")  # a few digits are always common
    _statistics(monkeypatch, None)  # no statistics yet
    assert search.is_broad_search("李") and not search.is_broad_search("王芳")


def test_the_index_is_asked_for_the_grams_the_statistics_can_count(people, monkeypatch):
    """Common grams (in the statistics) are asked one at a time, the least common; rare ones all
    together; the substring recheck keeps every answer exact either way."""
    shares = {"科技": 0.16, "技有": 0.018, "有限": 0.9, "李": 0.011}
    _statistics(monkeypatch, shares)
    assert search._index_grams("科技有限") == ["技有"]
    assert search._index_grams("李娜娜") == ["娜娜", "李娜"]  # not among the common: rare
    _statistics(monkeypatch, None)
    assert search._index_grams("科技有限") == ["技有", "有限", "科技"]
    mine = CustomerFactory(owner=people.sales1, company="深圳科技有限公司")
    CustomerFactory(owner=people.sales1, company="科技园 有限责任")  # every gram, not the words
    _statistics(monkeypatch, shares)
    assert list(apply_search(Customer.objects.filter(owner__isnull=False), "科技有限")) == [mine]


def test_a_phone_number_asks_the_index_for_all_its_digit_pairs(people, monkeypatch):
    """Every digit pair is common, but a number's pairs together are in few customers: a phone
    (or its last digits) is searched through the index, not by walking every customer."""
    pairs = {f"{a}{b}": 0.2 for a in "0123456789" for b in "0123456789"}
    _statistics(monkeypatch, pairs)
    assert search.is_broad_search("1234") and not search.is_broad_search("13812345678")
    assert search._index_grams("246813") == ["13", "24", "46", "68", "81"]
    mine = CustomerFactory(owner=people.sales1, phone="19900246813")
    CustomerFactory(owner=people.sales1, phone="19968132460")  # every pair, not the number
    found = apply_search(Customer.objects.filter(owner__isnull=False), "246813")
    assert list(found) == [mine]
    assert "@>" in str(found.query)  # through the gram index


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_gram_statistics_are_read_once_per_lifetime(people, django_assert_num_queries):
    clock = _Clock()
    statistics = search.GramStatistics(lifetime=600, min_rows=0, clock=clock)
    with django_assert_num_queries(1):
        statistics.shares()
        clock.now += 599
        statistics.shares()  # trusted: no query
    clock.now += 2
    with django_assert_num_queries(1):
        statistics.shares()  # past its lifetime: read again


def test_the_gram_statistics_refresh_after_an_analyze_within_their_lifetime(people, monkeypatch):
    """A bulk job's ANALYZE (common.bulk.analyze) makes the next search plan with the new
    statistics at once, not ten minutes later."""
    statistics = search.GramStatistics(lifetime=600, min_rows=0, clock=_Clock())
    monkeypatch.setattr(search, "gram_statistics", statistics)
    for number in range(30):
        CustomerFactory(owner=people.sales1, company=f"有限公司{number}")
    before = statistics.shares()  # never analysed in this test database: nothing to trust
    assert not (before or {}).get("有限")
    bulk.analyze(Customer)
    after = statistics.shares()  # the same moment: still within the lifetime
    assert after["有限"] > 0.5 and after["公司"] > 0.5
    assert search.is_broad_search("有限") and not search.is_broad_search("陈静")


def test_a_small_table_has_no_gram_statistics_to_trust(people):
    bulk.analyze(Customer)
    assert search.GramStatistics(lifetime=600, min_rows=50_000).shares() is None
