"""Two people editing the same customer (or follow-up record) at once: the second save is told the customer changed,
sees what it holds now, and overwrites nothing; saving again is then a deliberate choice."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Customer, FollowUp
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _opened_form(client, customer) -> dict:
    """The edit form's fields as the browser would post them back."""
    page = client.get(reverse("crm:customer-edit", args=[customer.pk])).content.decode()
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    return {"name": customer.name, "company": customer.company, "phone": customer.phone, "type": customer.type,
            "grade": customer.grade, "source": customer.source, "notes": customer.notes, "version": version}


def test_the_second_of_two_simultaneous_edits_is_told_and_overwrites_nothing(cast, client_for):
    customer = CustomerFactory(name="李华", company="华信", notes="first talk", owner=cast.sales1)
    owner, supervisor = client_for(cast.sales1), client_for(cast.sup1)
    mine, theirs = _opened_form(owner, customer), _opened_form(supervisor, customer)

    assert supervisor.post(reverse("crm:customer-edit", args=[customer.pk]), {**theirs, "company": "华信科技"}).status_code == 302
    response = owner.post(reverse("crm:customer-edit", args=[customer.pk]), {**mine, "notes": "second talk"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this customer while you were editing it" in page
    assert "华信科技" in page  # what it holds now
    customer.refresh_from_db()
    assert (customer.company, customer.notes) == ("华信科技", "first talk")  # nothing overwritten

    # The form now carries the current version: saving again is deliberate and goes through.
    again = dict(re.findall(r'name="(version)" value="([0-9a-f]+)"', page))
    response = owner.post(reverse("crm:customer-edit", args=[customer.pk]), {**mine, **again, "notes": "second talk"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.notes == "second talk"


def test_only_changes_to_what_the_form_shows_make_it_stale(cast, client_for):
    customer = CustomerFactory(name="王芳", owner=cast.sales1)
    client = client_for(cast.sales1)
    form = _opened_form(client, customer)
    # A follow-up deleted meanwhile moves only the last contact time (and updated_at).
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=timezone.now(), updated_at=timezone.now())
    response = client.post(reverse("crm:customer-edit", args=[customer.pk]), {**form, "notes": "报价已发"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).notes == "报价已发"



def test_a_quick_type_change_meanwhile_is_a_change(cast, client_for):
    customer = CustomerFactory(name="赵敏", owner=cast.sales1, type=Customer.Type.INTENTION)
    owner = client_for(cast.sales1)
    form = _opened_form(owner, customer)
    client_for(cast.sup1).post(reverse("crm:customer-type", args=[customer.pk]), {"type": Customer.Type.PROSPECT})
    response = owner.post(reverse("crm:customer-edit", args=[customer.pk]), {**form, "notes": "改备注"})
    assert response.status_code == 200 and "customer-conflicts" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).type == Customer.Type.PROSPECT


def test_a_follow_up_corrected_by_two_people_at_once_keeps_the_first_correction(cast, client_for):
    customer = CustomerFactory(name="周丽", owner=cast.sales1)
    followup = FollowUp.objects.create(customer=customer, author=cast.sales1, subject="报价", content="价格 100",
                                       occurred_at=timezone.now() - timedelta(hours=2))
    url = reverse("crm:followup-edit", args=[followup.pk])
    owner, supervisor = client_for(cast.sales1), client_for(cast.sup1)
    mine = re.search(r'name="version" value="([0-9a-f]+)"', owner.get(url).content.decode()).group(1)
    theirs = re.search(r'name="version" value="([0-9a-f]+)"', supervisor.get(url).content.decode()).group(1)
    assert supervisor.post(url, {"subject": "报价", "content": "价格 120", "version": theirs}).status_code == 302

    response = owner.post(url, {"subject": "报价", "content": "价格 100 元", "version": mine})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this record" in page and "价格 120" in page
    followup.refresh_from_db()
    assert followup.content == "价格 120"

    again = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    assert owner.post(url, {"subject": "报价", "content": "价格 100 元", "version": again}).status_code == 302
    followup.refresh_from_db()
    assert followup.content == "价格 100 元"
