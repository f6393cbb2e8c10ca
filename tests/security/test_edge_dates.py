"""Issue 19.7: the first and last day a date input can hold were server errors on every page that
built a window from them. A list's filter now moves such a day to the nearest bound (so "until
9999-12-31" lists what "no end" lists); a form refuses it with a message in the reader's language."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common import timewindows
from crm.models import FollowUp
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

WINDOW_TO_THE_END = {"window": "custom", "date_to": "9999-12-31"}
FROM_THE_BEGINNING = {"window": "custom", "date_from": "0001-01-01", "date_to": "1999-12-31"}


@pytest.mark.parametrize("url_name, who, query", [
    ("crm:followup-list", "sales1", WINDOW_TO_THE_END),
    ("crm:pool-list", "sales1", WINDOW_TO_THE_END),
    ("bulletin:suggestion-list", "admin", WINDOW_TO_THE_END),
    ("staff:audit-list", "admin", WINDOW_TO_THE_END),
    ("transfers:followup-export", "sales1", WINDOW_TO_THE_END),
    ("workplans:plan-list", "sales1", {"when": "custom", "date_to": "9999-12-31"}),
    ("staff:user-list", "admin", {"joined_to": "9999-12-31"}),
    ("staff:user-list", "admin", {"joined_from": "0001-01-01"}),
    ("workplans:plan-agenda", "sales1", {"date": "9999-12-31"}),
    ("workplans:plan-agenda", "sales1", {"date": "0001-01-01"}),
    ("workplans:plan-agenda", "sales1", {"date": "9999-12-31", "view": "week"}),
    ("crm:followup-list", "sales1", FROM_THE_BEGINNING),
])
def test_pages_open_with_the_first_and_last_day_a_date_input_holds(cast, client_for, url_name, who, query):
    response = client_for(getattr(cast, who)).get(reverse(url_name), query)
    assert response.status_code == 200


def test_until_the_last_day_lists_what_no_end_lists(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1)
    FollowUp.objects.create(customer=customer, author=cast.sales1, subject="今天的通话", content="c",
                            occurred_at=timezone.now())
    page = client_for(cast.sales1).get(reverse("crm:followup-list"), WINDOW_TO_THE_END).content.decode()
    assert "今天的通话" in page
    before = client_for(cast.sales1).get(reverse("crm:followup-list"),
                                         {"window": "custom", "date_to": "0001-01-01"}).content.decode()
    assert "今天的通话" not in before


def test_the_agenda_moves_an_impossible_day_to_the_nearest_one_it_can_show(cast, client_for):
    page = client_for(cast.sales1).get(reverse("workplans:plan-agenda"), {"date": "9999-12-31"}).content.decode()
    assert "2999-12-31" in page


@pytest.mark.parametrize("language, message", [
    ("en", "Enter a date between 1900-01-01 and 2999-12-31."),
    ("zh-hans", "请输入 1900-01-01 到 2999-12-31 之间的日期。"),
])
@pytest.mark.parametrize("value", ["0001-01-01T09:00", "9999-12-31T23:59"])
def test_a_form_refuses_a_moment_out_of_range_with_a_message(cast, client_for, language, message, value):
    customer = CustomerFactory(owner=cast.sales1)
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = language
    response = client.post(reverse("crm:followup-create", args=[customer.pk]),
                           {"subject": "s", "content": "c", "occurred_at": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_customer_next_contact_date_out_of_range_is_refused(cast, client_for, value):
    customer = CustomerFactory(owner=cast.sales1, next_contact_on=None)
    response = client_for(cast.sales1).post(reverse("crm:customer-edit", args=[customer.pk]), {
        "name": customer.name, "phone": customer.phone, "type": customer.type, "grade": customer.grade,
        "source": customer.source, "next_contact_on": value,
    })
    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.content.decode()
    customer.refresh_from_db()
    assert customer.next_contact_on is None


def test_the_fields_and_the_window_builder_hold_the_bounds():
    DayField, MomentField, days_window = timewindows.DayField, timewindows.MomentField, timewindows.days_window
    EARLIEST_DAY, LATEST_DAY = timewindows.EARLIEST_DAY, timewindows.LATEST_DAY
    assert DayField(clamp=True).clean("9999-12-31") == LATEST_DAY
    assert DayField(clamp=True, required=False).clean("0001-01-01") == EARLIEST_DAY
    assert DayField().clean("2999-12-31") == LATEST_DAY
    with pytest.raises(Exception, match="between"):
        DayField().clean("9999-12-31")
    with pytest.raises(Exception, match="between"):
        MomentField().clean("0001-01-01T00:00")
    window = days_window(date.min, date.max)
    assert timezone.localtime(window.start).date() == EARLIEST_DAY
    assert timezone.localtime(window.end).date() == LATEST_DAY + timedelta(days=1)
