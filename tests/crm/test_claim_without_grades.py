"""A company that emptied its grade list can still claim from the pool (issue 23, brief cf2 item 6):
the claimed customer's next contact falls back to a month instead of an error page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companylists import grades
from companylists.models import Grade
from crm.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_claiming_with_an_empty_grade_list_falls_back_to_a_month(cast, client_for):
    Grade.objects.all().delete()
    grades.forget()
    pooled = CustomerFactory(owner=None, pooled_at=timezone.now() - timedelta(days=3), grade="vip")
    response = client_for(cast.sales1).post(reverse("crm:pool-claim", args=[pooled.pk]))
    assert response.status_code == 302
    pooled = Customer.objects.get(pk=pooled.pk)
    assert pooled.owner == cast.sales1
    assert pooled.next_contact_on == timezone.localdate() + timedelta(days=30)
