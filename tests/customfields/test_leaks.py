"""Field-level permission leak tests (issue 23): a custom field only admins may see (and one for
supervisors and admins) is absent for a salesperson from every page, form, list, filter, search,
export, history and saved search, and a forged request neither sets it nor reveals it by counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import services
from crm.filters import CustomerFilterSet
from crm.models import Customer, SavedSearch
from customfields.models import FieldDefinition
from deals import defaults
from deals.models import LostReason, Stage
from tests.customfields.helpers import Kind, define
from tests.deals.deals_helpers import make_deal
from tests.factories import CustomerFactory
from tests.transfers.importexport_helpers import body, export, read_xlsx

pytestmark = pytest.mark.django_db
Access = FieldDefinition.Access
TIERS = [{"key": "gold", "zh_hans": "金牌", "en": "Gold tier"}, {"key": "iron", "zh_hans": "铁牌", "en": "Iron tier"}]
SECRET, MANAGERS_ONLY = "机密底价", "主管备注"


@pytest.fixture
def world(cast):
    define("floor_price", label_en="Floor price", label_zh_hans="底价", searchable=True, list_column=True,
           see=Access.ADMINS, edit=Access.ADMINS)
    define("tier", Kind.CHOICE, choices=TIERS, label_en="Tier", searchable=True, list_column=True,
           see=Access.ADMINS, edit=Access.ADMINS)
    define("margin", Kind.NUMBER, label_en="Margin", list_column=True, see=Access.ADMINS, edit=Access.ADMINS)
    define("sup_note", label_en="Supervisor note", searchable=True, list_column=True,
           see=Access.MANAGEMENT, edit=Access.MANAGEMENT)
    define("wechat", label_en="WeChat ID", searchable=True, list_column=True)
    gold = CustomerFactory(name="金客户", owner=cast.sales1, custom={"wechat": "wx_gold", "floor_price": SECRET,
                                                                    "tier": "gold", "margin": "35",
                                                                    "sup_note": MANAGERS_ONLY})
    plain = CustomerFactory(name="普通客户", owner=cast.sales1, custom={"wechat": "wx_plain", "tier": "iron",
                                                                     "margin": "5"})
    # An admin's change of the secret value: a row in the customer's history.
    services.customer_update(customer=gold, data={"custom": {**gold.custom, "floor_price": SECRET + "2"}},
                             by=cast.admin)
    return {"gold": gold, "plain": plain}


def _leaks(text: str) -> list[str]:
    return [word for word in (SECRET, "Floor price", "Gold tier", "Tier", "Margin", MANAGERS_ONLY, "Supervisor note")
            if word in text]


def test_the_customer_page_and_its_history_show_nothing_of_it(cast, client_for, world):
    page = client_for(cast.sales1).get(world["gold"].get_absolute_url()).content.decode()
    assert "wx_gold" in page and _leaks(page) == []
    supervisor = client_for(cast.sup1).get(world["gold"].get_absolute_url()).content.decode()
    assert MANAGERS_ONLY in supervisor and SECRET not in supervisor
    admin = client_for(cast.admin).get(world["gold"].get_absolute_url()).content.decode()
    assert SECRET + "2" in admin and f"“{SECRET}”" in admin  # the admin reads the value and its history


def test_the_edit_form_has_no_field_and_a_forged_post_sets_nothing(cast, client_for, world):
    client = client_for(cast.sales1)
    url = reverse("crm:customer-edit", args=[world["gold"].pk])
    response = client.get(url)
    form = response.context["form"]
    assert not {"cf_floor_price", "cf_tier", "cf_margin", "cf_sup_note"} & set(form.fields)
    assert _leaks(response.content.decode()) == []
    data = {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields if not form.fields[name].disabled and name != "photo"}
    forged = {**data, "cf_floor_price": "forged", "cf_tier": "iron", "cf_margin": "0", "cf_sup_note": "forged"}
    assert client.post(url, forged).status_code == 302
    gold = Customer.objects.get(pk=world["gold"].pk)
    assert gold.custom == {"wechat": "wx_gold", "floor_price": SECRET + "2", "tier": "gold", "margin": "35",
                           "sup_note": MANAGERS_ONLY}


def test_a_forged_create_post_sets_nothing(cast, client_for, world):
    data = {"name": "新客户", "company": "", "phone": "", "type": "intention", "grade": "normal", "source": "self",
            "cf_floor_price": "forged", "cf_tier": "gold", "cf_wechat": "wx_new"}
    assert client_for(cast.sales1).post(reverse("crm:customer-create"), data).status_code == 302
    assert Customer.objects.get(name="新客户").custom == {"wechat": "wx_new"}


def test_the_list_has_no_column_no_filter_and_a_forged_filter_changes_no_count(cast, client_for, world):
    client = client_for(cast.sales1)
    plain = client.get(reverse("crm:customer-list"))
    page = plain.content.decode()
    assert "WeChat ID" in page and _leaks(page) == []
    assert 'name="cf_tier"' not in page and 'name="cf_margin_min"' not in page
    everyone = sorted(c.name for c in plain.context["page_obj"])
    for forged in ({"cf_tier": "gold"}, {"cf_margin_min": "30"}, {"cf_floor_price": SECRET},
                   {"cf_sup_note": MANAGERS_ONLY}):
        response = client.get(reverse("crm:customer-list"), forged)
        assert sorted(c.name for c in response.context["page_obj"]) == everyone, forged
        typed = set(forged.values())  # the page may echo what the person typed, nothing more
        assert [word for word in _leaks(response.content.decode()) if word not in typed] == []
    # The same filter narrows the admin's list: it is the salesperson's that ignores it.
    assert sorted(CustomerFilterSet({"cf_tier": "gold"}, user=cast.admin).qs.values_list("name", flat=True)) == ["金客户"]


@pytest.mark.parametrize("query", [SECRET, "底价", "Gold tier", MANAGERS_ONLY])
def test_searching_its_value_finds_nothing(cast, world, query):
    names = lambda user, **extra: list(CustomerFilterSet({"q": query, **extra}, user=user).qs.values_list("name", flat=True))  # noqa: E731
    assert names(cast.sales1) == []
    assert names(cast.sales1, fields=["cf_floor_price", "cf_tier", "cf_sup_note"]) == []
    assert names(cast.admin) == ["金客户"]


def test_the_export_has_no_column_even_with_a_forged_filter(cast, client_for, world):
    rows = read_xlsx(body(export(client_for(cast.sales1), reverse("transfers:customer-export"), {"cf_tier": "gold"})))
    text = " ".join(str(cell) for row in rows for cell in row)
    assert "WeChat ID" in rows[0] and len(rows) == 3  # the header and both customers: the filter was ignored
    assert _leaks(text) == [] and "35" not in [str(cell) for cell in rows[1]]


def test_a_saved_search_keeps_no_filter_on_it_and_an_old_one_is_ignored(cast, client_for, world):
    client = client_for(cast.sales1)
    refused = client.post(reverse("crm:saved-search-create"), {"name": "金牌", "cf_tier": "gold"})
    assert refused.status_code == 302 and not SavedSearch.objects.exists()  # nothing left to narrow by
    response = client.post(reverse("crm:saved-search-create"), {"name": "金牌", "cf_tier": "gold", "q": "客户"})
    assert response.status_code == 302
    search = SavedSearch.objects.get(owner=cast.sales1)
    assert "cf_tier" not in str(search.extra_params)
    # Saved before the field was restricted: reopening ignores the filter and shows nothing of it.
    SavedSearch.objects.filter(pk=search.pk).update(extra_params={"pairs": [["cf_tier", "gold"]]})
    page = client.get(search.get_absolute_url())
    assert sorted(c.name for c in page.context["page_obj"]) == ["普通客户", "金客户"]
    assert _leaks(page.content.decode()) == []


def test_follow_up_and_deal_fields_for_admins_are_absent_for_a_salesperson(cast, client_for, world):
    defaults.install(Stage, LostReason)
    define("cost", target="followup", label_en="Floor price", see=Access.ADMINS, edit=Access.ADMINS)
    define("cost", target="deal", label_en="Floor price", see=Access.ADMINS, edit=Access.ADMINS)
    followup = services.followup_create(customer=world["plain"], subject="s", content="c", by=cast.sales1,
                                        occurred_at=timezone.now() - timedelta(hours=1),
                                        custom_values={"cost": SECRET})
    deal = make_deal(customer=world["plain"], by=cast.sales1, custom_values={"cost": SECRET})
    client = client_for(cast.sales1)
    for url in (followup.get_absolute_url(), reverse("crm:followup-edit", args=[followup.pk]),
                deal.get_absolute_url(), reverse("deals:deal-edit", args=[deal.pk])):
        assert _leaks(client.get(url).content.decode()) == [], url
    assert SECRET in client_for(cast.admin).get(deal.get_absolute_url()).content.decode()
