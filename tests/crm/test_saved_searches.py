"""Saved searches keep what was searched (SPEC §1.A.17, issue 20): the text, the chosen fields
and every filter and view of the list; they can be renamed; they are their owner's alone; and
changing the page size keeps every ticked field."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import SavedSearch
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class PageForms(HTMLParser):
    """What a person sees in the list page: each form's inputs (every value of a name, as the
    browser sends them), the ticked boxes, the chosen options and the customers listed."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.ticked, self.selected, self.rows = [], set(), {}, []
        self._form = self._select = self._row = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get"), "inputs": []}
            self.forms.append(self._form)
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.ticked.add((attrs["name"], attrs.get("value")))
                    if self._form is not None:
                        self._form["inputs"].append((attrs["name"], attrs.get("value", "")))
            elif self._form is not None and attrs["name"] != "csrfmiddlewaretoken":
                self._form["inputs"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = attrs.get("name")
            if self._form is not None:
                self._form.setdefault("selects", []).append(self._select)
        elif tag == "option" and "selected" in attrs and self._select:
            self.selected[self._select] = attrs.get("value")
        elif tag == "a" and "row-link" in (attrs.get("class") or ""):
            self._row = ""

    def handle_data(self, data):
        if self._row is not None:
            self._row += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "a" and self._row is not None:
            self.rows.append(self._row.strip())
            self._row = None

    def form(self, action):
        return next(form for form in self.forms if form["action"] == action)


def _page(client, url, params=None) -> PageForms:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return PageForms(response.content.decode())


@pytest.fixture
def customers(cast):
    today = timezone.localdate()
    for n, (name, company, grade, kind) in enumerate([
        ("李明", "上海宏达", "vip", "intention"),
        ("王李娜", "南京鑫源", "vip", "intention"),
        ("张伟", "李氏集团", "vip", "intention"),  # 李 only in the company
        ("李强", "杭州天成", "normal", "intention"),
        ("李静", "北京博远", "vip", "prospect"),
    ]):
        CustomerFactory(name=name, company=company, grade=grade, type=kind, owner=cast.sales1,
                        next_contact_on=today + timedelta(days=n))
    CustomerFactory(name="李四海", company="别组", grade="vip", type="intention", owner=cast.sales1b)
    return cast


LIST = {"q": "李", "fields": ["name", "phone"], "type": "intention", "grade": "vip", "sort": "name", "per_page": "20"}


def test_a_saved_search_reopens_with_the_same_results_and_ticked_fields(customers, client_for):
    cast = customers
    client = client_for(cast.sup1)
    params = {**LIST, "owner": cast.sales1.pk, "view": "visit_month"}
    before = _page(client, reverse("crm:customer-list"), params)
    assert before.rows == ["李明", "王李娜"]  # 张伟 has 李 only in the company; 李四海 is sales1b's
    save = before.form(reverse("crm:saved-search-create"))
    response = client.post(save["action"], urlencode([*save["inputs"], ("name", "张三的大客户")]),
                           content_type="application/x-www-form-urlencoded")
    search = SavedSearch.objects.get(owner=cast.sup1)
    assert response.status_code == 302 and response.headers["Location"] == search.get_absolute_url()
    assert (search.query, search.fields, search.type, search.grade, search.salesperson, search.view, search.sort, search.per_page) == (
        "李", ["name", "phone"], "intention", "vip", cast.sales1, "visit_month", "name", 20)

    after = _page(client, search.get_absolute_url())
    assert after.rows == before.rows
    assert after.ticked == before.ticked == {("fields", "name"), ("fields", "phone")}
    assert after.selected == before.selected
    assert after.selected["per_page"] == "20" and after.selected["owner"] == str(cast.sales1.pk)
    chip = re.search(r'<a class="btn btn-sm btn-primary" href="([^"]+)" aria-current="true">张三的大客户</a>',
                     client.get(search.get_absolute_url()).content.decode())
    assert chip, "the open saved search is shown as the current one"
    assert reverse("crm:saved-search-rename", args=[search.pk]) in [form["action"] for form in after.forms]


def test_changing_the_page_size_keeps_every_ticked_field(customers, client_for):
    client = client_for(customers.sales1)
    page = _page(client, reverse("crm:customer-list"), {"q": "李", "fields": ["name", "company"], "grade": "vip"})
    size = next(form for form in page.forms if "per_page" in form.get("selects", []))  # the page-size picker
    resized = _page(client, reverse("crm:customer-list") + "?" + urlencode([*size["inputs"], ("per_page", "50")]))
    assert resized.ticked == page.ticked == {("fields", "name"), ("fields", "company")}
    assert resized.rows == page.rows and resized.selected["per_page"] == "50"


def test_a_search_of_filters_only_can_be_saved_but_nothing_cannot(customers, client_for):
    client = client_for(customers.sales1)
    client.post(reverse("crm:saved-search-create"), {"name": "意向VIP", "type": "intention", "grade": "vip"})
    search = SavedSearch.objects.get(name="意向VIP")
    assert sorted(_page(client, search.get_absolute_url()).rows) == sorted(["李明", "王李娜", "张伟"])
    response = client.post(reverse("crm:saved-search-create"), {"name": "空", "q": "  "}, follow=True)
    assert "Type something to search for or choose a filter, then save." in response.content.decode()
    assert not SavedSearch.objects.filter(name="空").exists()


def test_a_salesperson_cannot_save_someone_elses_customers_into_a_search(customers, client_for):
    """The salesperson filter is not theirs to use: a forged one is dropped, as the list drops it."""
    client = client_for(customers.sales1)
    client.post(reverse("crm:saved-search-create"), {"name": "偷看", "q": "李", "owner": customers.sales1b.pk})
    assert SavedSearch.objects.get(name="偷看").salesperson is None
    client_for(customers.sup1).post(reverse("crm:saved-search-create"), {"name": "别组", "q": "李", "owner": customers.sales2.pk})
    assert SavedSearch.objects.get(name="别组").salesperson is None


def test_a_saved_search_can_be_renamed(customers, client_for):
    client = client_for(customers.sales1)
    search = SavedSearch.objects.create(owner=customers.sales1, name="旧名字", query="李")
    SavedSearch.objects.create(owner=customers.sales1, name="已有的", query="王")
    response = client.post(reverse("crm:saved-search-rename", args=[search.pk]), {"name": "  新名字 "}, follow=True)
    search.refresh_from_db()
    assert search.name == "新名字" and "新名字" in response.content.decode()
    response = client.post(reverse("crm:saved-search-rename", args=[search.pk]), {"name": "已有的"}, follow=True)
    assert "You already have a search named “已有的”." in response.content.decode()
    response = client.post(reverse("crm:saved-search-rename", args=[search.pk]), {"name": " "}, follow=True)
    assert "Name this search." in response.content.decode()
    search.refresh_from_db()
    assert search.name == "新名字" and search.query == "李"


@pytest.mark.parametrize("who", ["sales1b", "sales2", "sup1", "admin"])
def test_another_persons_saved_search_is_not_found(customers, client_for, who):
    search = SavedSearch.objects.create(owner=customers.sales1, name="我的", query="李")
    client = client_for(getattr(customers, who))
    assert client.post(reverse("crm:saved-search-rename", args=[search.pk]), {"name": "抢来的"}).status_code == 404
    assert client.post(reverse("crm:saved-search-delete", args=[search.pk])).status_code == 404
    search.refresh_from_db()
    assert search.name == "我的"
    assert "我的" not in client.get(reverse("crm:customer-list")).content.decode()


def test_search_hits_are_marked_and_escaped(cast, client_for):
    CustomerFactory(name="<b>李</b>", company="李氏 & 子", phone="138 0013 8000", owner=cast.sales1)
    CustomerFactory(name="<i>赵</i>", company="李家", owner=None, created_by=cast.sales1)
    client = client_for(cast.sales1)
    page = client.get(reverse("crm:customer-list"), {"q": "李"}).content.decode()
    assert "<b>李</b>" not in page and '&lt;b&gt;<mark class="search-hit">李</mark>&lt;/b&gt;' in page
    assert '<mark class="search-hit">李</mark>氏 &amp; 子' in page
    digits = client.get(reverse("crm:customer-list"), {"q": "1380013"}).content.decode()
    assert '<mark class="search-hit">138 0013</mark> 8000' in digits  # digits found across the spaces
    only_names = client.get(reverse("crm:customer-list"), {"q": "李", "fields": "name"}).content.decode()
    assert '<mark class="search-hit">李</mark>氏' not in only_names  # the company was not searched
    pool = client.get(reverse("crm:pool-list"), {"q": "李"}).content.decode()
    assert "<i>赵</i>" not in pool and '<mark class="search-hit">李</mark>家' in pool
