"""An admin adds a "trade fair" source and a "manufacturing" industry on the Lists pages; a
salesperson picks both on a new customer; the admin retires the source and the customer keeps it."""

import pytest
from django.urls import reverse

from companylists import lists, seeds
from companylists.models import Entry
from crm.models import Customer
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add(page, list_slug, key, zh, en):
    page.locator(f"a[href='{reverse('companylists:entry-create', args=[list_slug])}']").click()
    page.wait_for_load_state("domcontentloaded")
    page.fill("input[name=key]", key)
    page.fill("input[name=label_zh_hans]", zh)
    page.fill("input[name=label_en]", en)
    submit(page)
    assert success_message(page)


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_an_admin_lists_a_source_and_an_industry_and_a_salesperson_picks_them(cast, journey, device, language):
    seeds.install_entries(Entry)  # emptied by the transactional test before
    lists.forget()
    keys = {"fair", "mfg", "self", "advertising", "referral", "Trade fair", "Manufacturing"}  # the keys are data
    admin = journey("lists-admin", cast.admin, device=device, language=language, allowed=keys)
    page = admin.go(reverse("home"))
    open_menu_item(page, reverse("companylists:lists"))
    admin.shot("lists")
    page.locator(f".company-lists a[href='{reverse('companylists:entries', args=['source'])}']").click()
    page.wait_for_load_state("domcontentloaded")
    _add(page, "source", "fair", "展会", "Trade fair")
    admin.shot("source-added")
    page = admin.go(reverse("companylists:entries", args=["industry"]))
    _add(page, "industry", "mfg", "制造业", "Manufacturing")

    seller = journey("lists-sales", cast.sales1, device=device, language=language, allowed=keys)
    page = seller.go(reverse("crm:customer-create"))
    page.fill("input[name=name]", "周九")
    page.fill("input[name=phone]", "13700000099")
    page.select_option("select[name=source]", "fair")
    page.select_option("select[name=industry]", "制造业")
    seller.shot("new-customer-listed")
    submit(page)
    customer = Customer.objects.get(name="周九")
    assert (customer.source, customer.industry) == ("fair", "制造业")
    shown = page.locator("main").inner_text()
    assert ("展会" in shown and "制造业" in shown) if language == "zh-hans" else ("Trade fair" in shown and "Manufacturing" in shown)

    page = admin.go(reverse("companylists:entries", args=["source"]))
    entry = Entry.objects.get(list="source", key="fair")
    page.locator(f"form[action='{reverse('companylists:entry-active', args=['source', entry.pk])}'] button").click()
    page.wait_for_load_state("domcontentloaded")
    assert not Entry.objects.get(pk=entry.pk).active
    page = seller.go(reverse("crm:customer-create"))
    assert page.locator("select[name=source] option[value=fair]").count() == 0
    page = seller.go(reverse("crm:customer-edit", args=[customer.pk]))
    assert page.locator("select[name=source]").input_value() == "fair"
    submit(page)
    customer.refresh_from_db()
    assert customer.source == "fair"
