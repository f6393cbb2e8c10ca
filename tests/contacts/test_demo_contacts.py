"""seed_demo gives every demo customer a few contacts, one primary, with unique phones; a
second run adds none."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from contacts.models import Contact
from crm.models import Customer
from crm.filters import customer_list

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_each_customer_a_few_contacts():
    args = ["--password", "pw-demo-1", "--groups", "2", "--salespeople", "3", "--customers", "40"]
    call_command("seed_demo", *args)
    contacts = Contact.objects.count()
    assert 40 <= contacts <= 200
    per_customer = Customer.objects.annotate(n=Count("contacts"), primary=Count("contacts", filter=Q(contacts__is_primary=True)))
    assert all(customer.n >= 1 and customer.primary == 1 for customer in per_customer)
    assert Contact.objects.values("normalized_mobile").distinct().count() == contacts
    call_command("seed_demo", *args)
    assert Contact.objects.count() == contacts
    contact = Contact.objects.select_related("customer__owner").filter(customer__owner__isnull=False).first()
    found = customer_list(contact.customer.owner, {"q": contact.normalized_mobile})
    assert list(found) == [contact.customer]
