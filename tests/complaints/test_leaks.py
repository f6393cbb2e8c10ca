"""Another group's complaint never shows and never changes: every complaints URL (from the
resolver) with its complaint's, customer's and follow-up's ids in every id slot, read and posted
by everyone who must not see it; and a form posted with extra fields changes only what it shows."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, Step
from crm import services as crm_services
from tests.complaints.helpers import log
from tests.factories import CustomerFactory
from tests.security.resolver import url_patterns

pytestmark = pytest.mark.django_db
MARK = "Zq7CMPLxW"


@pytest.fixture
def secret(cast):
    customer = CustomerFactory(owner=cast.sales2, name=f"客户{MARK}")
    complaint = log(customer=customer, by=cast.sales2, description=f"投诉{MARK}")
    followup = crm_services.followup_create(customer=customer, subject=f"跟进{MARK}", content=MARK,
                                            occurred_at=complaint.created_at, by=cast.sales2)
    return complaint, [complaint.pk, customer.pk, followup.pk]


def test_another_groups_complaint_never_shows_or_changes(cast, client_for, secret):
    complaint, ids = secret
    urls = []
    for name, args in url_patterns():
        if not name.startswith("complaints:") or not args:
            continue
        urls += [reverse(name, kwargs={arg: pk for arg in args}) for pk in ids]
    urls.append(reverse("complaints:complaint-list") + f"?owner={cast.sales2.pk}&group={cast.group2.pk}")
    for person in (cast.sales1, cast.sales1b, cast.sup1, cast.backup, cast.sales2b):
        client = client_for(person)
        for url in urls:
            response = client.get(url)
            assert MARK not in response.content.decode(), (person.username, url)
            assert response.status_code in (200, 404, 405), (person.username, url)
            response = client.post(url, {"to_state": "responded", "seen_state": "new", "channel": "phone",
                                         "category": "other", "severity": "low", "description": "x",
                                         "link-followups": [ids[2]]})
            assert response.status_code in (404, 405), (person.username, url, response.status_code)
    complaint.refresh_from_db()
    assert complaint.state == "new" and not complaint.followups.exists()
    assert Complaint.objects.count() == 1 and Step.objects.count() == 1


def test_extra_fields_in_a_complaint_post_change_nothing_they_should_not(cast, client_for, secret):
    other, _ids = secret
    customer = CustomerFactory(owner=cast.sales1)
    forged = {"customer": other.customer_id, "customer_id": other.customer_id, "owner": cast.sales2.pk,
              "state": "closed", "responded_at": "2000-01-01 00:00", "logged_by": cast.sales2.pk,
              "response_due_at": "2000-01-01 00:00", "created_at": "2000-01-01 00:00", "pk": other.pk}
    client_for(cast.sales1).post(reverse("complaints:complaint-create", args=[customer.pk]), {
        **forged, "channel": "phone", "category": "other", "severity": "low", "description": "新投诉"})
    mine = Complaint.objects.get(description="新投诉")
    assert (mine.customer, mine.owner, mine.logged_by, mine.state, mine.responded_at) == (
        customer, cast.sales1, cast.sales1, "new", None)
    assert mine.response_due_at > mine.created_at
    other.refresh_from_db()
    assert other.state == "new" and other.description.startswith("投诉")
