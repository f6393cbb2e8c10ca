"""Journey 7 (issue 14): the language switch in the top bar turns the whole interface Chinese."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["phone"])  # desktop Chinese pages: journey 1 in zh-hans
def test_salesperson_switches_to_chinese_and_every_page_follows(cast, journey, device):
    me = journey("7-language", cast.sales1, device=device, language="en")
    page = me.go(reverse("crm:customer-list"))
    assert page.locator("h1").inner_text().startswith("Customers")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()
        me.shot("menu-open")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("h1").inner_text().startswith("客户")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    me.language = "zh-hans"  # from here every page is checked for English left untranslated
    me.shot("customers")
    for url in [reverse("crm:followup-list"), reverse("crm:pool-list"), reverse("workplans:plan-list"),
                reverse("workplans:plan-create"), reverse("bulletin:post-list"), reverse("bulletin:suggestion-mine"),
                reverse("crm:customer-create"), reverse("accounts:password-change")]:
        me.go(url)
        me.shot(url.strip("/").replace("/", "-"))
