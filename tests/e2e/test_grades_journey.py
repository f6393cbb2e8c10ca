"""An admin on a phone, in Chinese, adds an "A" grade with a 3-day cadence on the grades settings
page; a salesperson then picks it on a new customer, whose next contact date follows it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companylists import grades, seeds
from companylists.models import Grade
from crm.models import Customer
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_an_admin_adds_a_grade_and_a_salesperson_picks_it(cast, journey, device, language):
    seeds.install(Grade)  # emptied by the transactional test before
    grades.forget()
    admin = journey("grades-admin", cast.admin, device=device, language=language, allowed={"normal", "vip", "A", "a", "A-class", "VIP"})  # the keys are data
    page = admin.go(reverse("home"))
    open_menu_item(page, reverse("companylists:lists"))
    page.locator(f".company-lists a[href='{reverse('companylists:grades')}']").click()
    page.wait_for_load_state("domcontentloaded")
    admin.shot("grades")
    page.locator(f"a[href='{reverse('companylists:grade-create')}']").click()
    page.wait_for_load_state("domcontentloaded")
    page.fill("input[name=key]", "a")
    page.fill("input[name=label_zh_hans]", "A类")
    page.fill("input[name=label_en]", "A-class")
    page.fill("input[name=cadence_days]", "3")
    page.fill("input[name=recycle_days]", "30")
    admin.shot("new-grade")
    submit(page)
    assert success_message(page)
    admin.shot("grade-added")
    assert Grade.objects.filter(key="a", cadence_days=3, recycle_days=30, active=True).exists()

    seller = journey("grades-sales", cast.sales1, device=device, language=language, allowed={"A", "A-class", "VIP"})
    page = seller.go(reverse("crm:customer-create"))
    page.fill("input[name=name]", "孙八")
    page.fill("input[name=phone]", "13700000088")
    page.select_option("select[name=grade]", "a")
    seller.shot("new-customer-grade-a")
    submit(page)
    customer = Customer.objects.get(name="孙八")
    assert customer.grade == "a" and customer.next_contact_on == timezone.localdate() + timedelta(days=3)
    assert ("A类" if language == "zh-hans" else "A-class") in page.locator("main").inner_text()
    seller.shot("customer-grade-a")
