"""Give-up reasons and industries are the company's lists too; the lists page links every list."""

import pytest
from django.urls import reverse
from django.utils import translation

from companylists import lists, services
from companylists.models import Entry
from crm.forms import CustomerForm
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _entry(admin, list_name, key, zh, en):
    return services.entry_save(Entry(list=list_name, key=key, label_zh_hans=zh, label_en=en), by=admin)


# --- Give-up reasons ------------------------------------------------------------------------------


def test_giving_up_offers_the_companys_reasons_and_keeps_the_chosen_one_with_the_details(cast, client_for):
    _entry(cast.admin, "give_up", "moved", "客户已搬迁", "The customer moved away")
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = "zh-hans"
    url = reverse("crm:customer-give-up", args=[customer.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "客户已搬迁" in page and "联系不上客户" in page
    assert client.post(url, {"reason": "moved", "details": "去了外地"}).status_code == 302
    customer.refresh_from_db()
    assert customer.owner is None and customer.pool_reason == "客户已搬迁: 去了外地"


def test_a_retired_give_up_reason_is_not_offered_and_not_accepted(cast, client_for):
    services.entry_set_active(Entry.objects.get(list="give_up", key="competitor"), active=False, by=cast.admin)
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    url = reverse("crm:customer-give-up", args=[customer.pk])
    assert "Went with a competitor" not in client.get(url).content.decode()
    assert client.post(url, {"reason": "competitor"}).status_code == 200
    customer.refresh_from_db()
    assert customer.owner == cast.sales1


def test_the_last_active_give_up_reason_or_source_cannot_be_retired_or_deleted(cast, client_for):
    admin = client_for(cast.admin)
    reasons = list(Entry.objects.filter(list="give_up").order_by("order"))
    for entry in reasons[:-1]:
        services.entry_set_active(entry, active=False, by=cast.admin)
    last = reasons[-1]
    response = admin.post(reverse("companylists:entry-active", args=["give-up", last.pk]), {"active": "0"}, follow=True)
    assert Entry.objects.get(pk=last.pk).active
    assert "The last active entry of this list cannot be retired or deleted" in response.content.decode()
    admin.post(reverse("companylists:entry-delete", args=["give-up", last.pk]))
    assert Entry.objects.filter(pk=last.pk).exists()


# --- Industries -----------------------------------------------------------------------------------


def test_without_listed_industries_the_form_keeps_its_free_text(cast):
    assert not lists.entries("industry")
    assert CustomerForm(user=cast.sales1).fields["industry"].widget.input_type == "text"


def test_listed_industries_are_offered_and_stored_as_text_that_search_and_reports_read(cast, client_for):
    _entry(cast.admin, "industry", "mfg", "制造业", "Manufacturing")
    choices = dict(CustomerForm(user=cast.sales1).fields["industry"].choices)
    assert choices["制造业"] == "Manufacturing" and "" in choices
    customer = CustomerFactory(owner=cast.sales1, industry="制造业")
    assert customer.get_industry_display() == "Manufacturing"
    assert "Manufacturing" in client_for(cast.sales1).get(customer.get_absolute_url()).content.decode()
    with translation.override("zh-hans"):
        assert customer.get_industry_display() == "制造业"


def test_a_free_text_or_retired_industry_stays_on_an_unchanged_save(cast, client_for):
    from tests.companylists.test_sources import _unchanged_post

    retired = _entry(cast.admin, "industry", "tea", "茶叶", "Tea")
    _entry(cast.admin, "industry", "mfg", "制造业", "Manufacturing")
    services.entry_set_active(retired, active=False, by=cast.admin)
    typed = CustomerFactory(owner=cast.sales1, industry="手工艺品")
    old = CustomerFactory(owner=cast.sales1, industry="茶叶")
    assert "茶叶" not in dict(CustomerForm(user=cast.sales1).fields["industry"].choices)
    for customer, value in ((typed, "手工艺品"), (old, "茶叶")):
        choices = dict(CustomerForm(instance=customer, user=cast.sales1).fields["industry"].choices)
        assert value in choices
        assert _unchanged_post(client_for(cast.sales1), reverse("crm:customer-edit", args=[customer.pk])).status_code == 302
        customer.refresh_from_db()
        assert customer.industry == value


def test_an_industry_in_use_is_not_deleted(cast, client_for):
    entry = _entry(cast.admin, "industry", "mfg", "制造业", "Manufacturing")
    CustomerFactory(owner=cast.sales1, industry="制造业")
    services.entry_set_active(entry, active=False, by=cast.admin)
    client_for(cast.admin).post(reverse("companylists:entry-delete", args=["industry", entry.pk]))
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_the_import_maps_a_listed_industry_in_either_language_and_keeps_any_other_text(cast):
    from transfers.columns import IndustryWidget

    _entry(cast.admin, "industry", "mfg", "制造业", "Manufacturing")
    widget = IndustryWidget()
    assert widget.clean("manufacturing") == "制造业"
    assert widget.clean("制造业") == "制造业"
    assert widget.clean("mfg") == "制造业"
    assert widget.clean("养蜂") == "养蜂"
    assert widget.clean("") == ""
    assert IndustryWidget().render("制造业") == "Manufacturing"
    assert IndustryWidget().render("养蜂") == "养蜂"


# --- The lists page ----------------------------------------------------------------------------------


def test_the_lists_page_links_every_list_and_the_top_bar_has_one_entry(cast, client_for):
    page = client_for(cast.admin).get(reverse("companylists:lists")).content.decode()
    for url in (reverse("companylists:grades"), reverse("companylists:entries", args=["source"]),
                reverse("companylists:entries", args=["industry"]), reverse("companylists:entries", args=["give-up"]),
                reverse("deals:stage-list")):
        assert f'href="{url}"' in page
    home = client_for(cast.admin).get(reverse("home")).content.decode()
    assert f'href="{reverse("companylists:lists")}"' in home
    assert f'href="{reverse("companylists:grades")}"' not in home



def test_the_pools_industry_filter_finds_a_listed_industry_typed_in_english(cast):
    from crm.filters import PoolFilterSet

    _entry(cast.admin, "industry", "mfg", "制造业", "Manufacturing")
    listed = CustomerFactory(owner=None, created_by=cast.sales2, industry="制造业")
    typed = CustomerFactory(owner=None, created_by=cast.sales2, industry="食品制造")
    for text, found in (("Manufacturing", {listed.pk}), ("制造", {listed.pk, typed.pk})):
        rows = PoolFilterSet({"industry": text}, user=cast.sales1).qs
        assert {customer.pk for customer in rows} == found
