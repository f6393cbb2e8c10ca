"""Issue 25's contacts journey: a salesperson on a phone, in Chinese, adds the buyer of a
customer from the customer's page (a mistyped mobile is refused in Chinese first), finds the
customer again by the contact's name in the search box, and logs a call naming the contact.
Also on a desktop in English."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from crm import services
from tests.e2e.steps import submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("phone", "zh-hans"), ("desktop", "en")])
def test_a_salesperson_adds_a_contact_and_finds_the_customer_by_it(cast, journey, device, language):
    customer = services.customer_create(
        data={"name": "宏远机械", "company": "宏远机械制造有限公司", "phone": "021-5555 1234", "type": "intention"},
        owner=cast.sales1, by=cast.sales1,
    )
    me = journey("25-contact", cast.sales1, device=device, language=language, allowed={"hongyuan_buyer"})
    page = me.go(customer.get_absolute_url())
    me.shot("customer")

    page.locator(f"main a[href='{reverse('contacts:contact-create', args=[customer.pk])}']").click()
    page.fill("#id_name", "欧阳明")
    page.fill("#id_title", "采购经理")
    page.select_option("#id_role", "decision_maker")
    page.fill("#id_mobile", "139 1234 567")  # one digit short
    page.fill("#id_wechat", "hongyuan_buyer")
    page.fill("#id_birthday", "1982-04-15")
    page.check("#id_is_primary")
    me.shot("contact-form")
    submit(page)
    assert not Contact.objects.exists()
    me.shot("contact-refused")
    page.fill("#id_mobile", "139 1234 5678")
    submit(page)
    contact = Contact.objects.get()
    assert (contact.customer, contact.normalized_mobile, contact.is_primary) == (customer, "13912345678", True)
    assert success_message(page)
    assert page.locator(".contact-item", has_text="欧阳明").count() == 1
    me.shot("contact-added")

    page.goto(me.base_url + reverse("crm:customer-list") + "?q=欧阳")
    assert page.locator("main", has_text="宏远机械").count() == 1
    me.shot("search-by-contact")

    page.goto(me.base_url + reverse("crm:followup-create", args=[customer.pk]))
    page.fill("#id_subject", "电话报价")
    page.fill("#id_content", "和欧阳经理确认了报价")
    page.select_option("#id_extra_contact", str(contact.pk))
    me.shot("followup-with-contact")
    submit(page)
    assert customer.followups.get().contact_link.contact == contact
