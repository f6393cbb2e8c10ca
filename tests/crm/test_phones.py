"""Mainland phone rules (common/phones.py): the one place the customer form and the import ask."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.phones import validate_phone
from crm.models import Customer, CustomerChange
from tests.factories import CustomerFactory

ACCEPTED = [
    "13800138000", "138-0013-8000", "138 0013 8000", "+86 138 0013 8000", "+8613800138000", "0086 (138) 0013 8000",
    "008613800138000", "19912345678", "021-6543 2100", "(021)66668888", "010-12345678", "0755-8888 8888",
    "010-12345678-123", "0755-8888 8888 转 808", "0571-8888 8888 分机 12", "021-66668888 ext. 12", "021-66668888#8",
    "+86 21 6666 8888", "+86 10 1234 5678", "400-820-8820", "+1 415 555 0100", "+852 2123 4567",
]
REFUSED = [
    ("1381234", "A mobile number has 11 digits"),
    ("12", "A mobile number has 11 digits"),
    ("12345678901", "A mobile number has 11 digits"),
    ("138001380001", "A mobile number has 11 digits"),
    ("6666 8888", "Add the area code"),
    ("0131234567", "A landline is its area code"),
    ("021-666", "A landline is its area code"),
    ("13800138000 转 8", "Only a landline has an extension"),
    ("138abc", "may contain only digits"),
    ("１３８００１３８０００", "may contain only digits"),
    ("+86+86 13800138000", "may contain only digits"),
    ("+1 23", "An international number has 7 to 15 digits"),
    ("2", "not a mainland phone number"),
]


@pytest.mark.parametrize("phone", ACCEPTED)
def test_it_accepts_mainland_mobiles_landlines_and_foreign_numbers(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone, reason", REFUSED)
def test_it_refuses_a_number_with_a_reason(phone, reason):
    with pytest.raises(ValidationError) as caught:
        validate_phone(phone)
    assert reason in caught.value.messages[0]


def _edit_data(customer, **changes):
    data = {"name": customer.name, "company": customer.company, "job_title": customer.job_title,
            "phone": customer.phone, "address": customer.address, "type": customer.type, "grade": customer.grade,
            "source": customer.source, "industry": customer.industry, "gender": customer.gender,
            "next_contact_on": customer.next_contact_on.isoformat() if customer.next_contact_on else "",
            "notes": customer.notes}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_customer_whose_old_phone_breaks_the_rules_can_still_be_saved_unchanged(cast, client_for):
    customer = CustomerFactory(name="老客户", phone="6666-8888", owner=cast.sales1)  # stored before the rules
    client = client_for(cast.sales1)
    form = client.get(reverse("crm:customer-edit", args=[customer.pk])).context["form"]
    response = client.post(reverse("crm:customer-edit", args=[customer.pk]),
                           _edit_data(customer, version=form.initial.get("version") or form["version"].value(),
                                      notes="改了备注"))
    assert response.status_code == 302, response.context["form"].errors
    customer.refresh_from_db()
    assert customer.phone == "6666-8888" and customer.notes == "改了备注"
    assert not CustomerChange.objects.filter(customer=customer, field="phone").exists()


@pytest.mark.django_db
def test_a_changed_phone_must_follow_the_rules(cast, client_for):
    customer = CustomerFactory(name="老客户", phone="6666-8888", owner=cast.sales1)
    client = client_for(cast.sales1)
    form = client.get(reverse("crm:customer-edit", args=[customer.pk])).context["form"]
    response = client.post(reverse("crm:customer-edit", args=[customer.pk]),
                           _edit_data(customer, version=form["version"].value(), phone="1381234"))
    assert response.status_code == 200 and "A mobile number has 11 digits" in response.content.decode()
    customer.refresh_from_db()
    assert customer.phone == "6666-8888"
    assert Customer.objects.count() == 1
