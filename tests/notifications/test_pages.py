"""The bell, the list and the settings page: everything the recipient's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm import ownership
from crm.models import Custody
from notifications.models import Kind, Notification, Preference
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _notify(person, key="k", **params):
    return Notification.objects.create(recipient=person, kind=Kind.HANDOVER, key=key, url=reverse("crm:customer-list"),
                                       params={"count": 2, "by": "王主管", "names": ["甲", "乙"], **params})


def test_the_bell_shows_the_unread_count_on_every_page(cast, client_for):
    _notify(cast.sales1, "a"), _notify(cast.sales1, "b")
    Notification.objects.create(recipient=cast.sales1, kind=Kind.DIGEST, key="read", read_at=timezone.now())
    page = client_for(cast.sales1).get(reverse("workplans:plan-list")).content.decode()
    assert 'class="btn btn-outline-light p-2 lh-1 position-relative' in page
    assert 'bg-danger">2<span class="visually-hidden"> unread' in page


def test_the_bell_costs_one_query(cast, client_for):
    client = client_for(cast.sales1)
    client.get(reverse("notifications:preference-edit"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:preference-edit"))
    assert sum("notifications_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_the_backup_operator_has_no_bell(cast, client_for):
    assert "notification-bell" not in client_for(cast.backup).get(reverse("home"), follow=True).content.decode()


def test_the_list_shows_only_ones_own_in_the_readers_language(cast, client_for):
    _notify(cast.sales1, "mine")
    _notify(cast.sales1b, "theirs", by="SOMEONE-ELSE")
    page = client_for(cast.sales1).get(reverse("notifications:notification-list")).content.decode()
    assert "2 customers were handed to you by 王主管" in page and "SOMEONE-ELSE" not in page
    client = client_for(cast.sales1)
    client.cookies["crm_language"] = "zh-hans"
    assert "王主管交给您 2 位客户" in client.get(reverse("notifications:notification-list")).content.decode()


def test_opening_marks_read_and_goes_to_the_record_which_applies_its_own_policy(cast, client_for):
    customer = CustomerFactory(owner=cast.sales1b)
    ownership.move([customer.pk], to=cast.sales1, by=cast.sup1, reason=Custody.Reason.REASSIGNED)
    notification = Notification.objects.get(recipient=cast.sales1)
    client = client_for(cast.sales1)
    response = client.post(reverse("notifications:notification-open", args=[notification.pk]))
    assert response["Location"] == customer.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(customer.get_absolute_url()).status_code == 200
    # Handed on to someone else: the link stays a link, the customer's page says 404.
    ownership.move([customer.pk], to=cast.sales2, by=cast.admin, reason=Custody.Reason.REASSIGNED)
    assert client.post(reverse("notifications:notification-open", args=[notification.pk]))["Location"] == \
        customer.get_absolute_url()
    assert client.get(customer.get_absolute_url()).status_code == 404


def test_someone_elses_notification_is_a_404_and_stays_unread(cast, client_for):
    theirs = _notify(cast.sales1b)
    for person in (cast.sales1, cast.sup1, cast.admin):
        assert client_for(person).post(reverse("notifications:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_reads_only_ones_own(cast, client_for):
    _notify(cast.sales1, "a"), _notify(cast.sales1, "b"), _notify(cast.sales1b, "c")
    client_for(cast.sales1).post(reverse("notifications:notification-read-all"))
    assert not Notification.objects.filter(recipient=cast.sales1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.sales1b, read_at__isnull=True).count() == 1


def test_a_person_saves_channels_quiet_hours_digest_time_and_language(cast, client_for):
    response = client_for(cast.sales1).post(reverse("notifications:preference-edit"), {
        "language": "zh-hans", "quiet_from": "22:00", "quiet_until": "07:00", "digest_at": "07:45",
        "digest__email": "on", "shared__webhook": "on",
    })
    assert response.status_code == 302
    preference = Preference.objects.get(user=cast.sales1)
    assert preference.language == "zh-hans" and str(preference.digest_at) == "07:45:00"
    assert preference.channels["digest"] == ["email"] and preference.channels["handover"] == []
    assert preference.channels["shared"] == ["webhook"]


def test_half_quiet_hours_are_refused(cast, client_for):
    response = client_for(cast.sales1).post(reverse("notifications:preference-edit"), {"quiet_from": "22:00"})
    assert response.status_code == 200 and "Give both ends of the quiet hours" in response.content.decode()
    assert not Preference.objects.exists()


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1/robot", "internal address"),
    ("https://10.1.2.3/robot", "internal address"),
    ("https://169.254.169.254/latest/meta-data", "internal address"),
    ("https://[::1]/robot", "internal address"),
    ("ftp://oapi.dingtalk.com/robot", "Enter an http(s) address of a robot webhook."),
])
def test_a_robot_pointing_inside_the_network_is_refused(cast, client_for, url, message):
    response = client_for(cast.sales1).post(reverse("notifications:webhook-edit"), {"provider": "wecom", "url": url})
    assert response.status_code == 200 and message in response.content.decode()


def test_the_bell_stops_counting_at_99(cast, client_for):
    Notification.objects.bulk_create(Notification(recipient=cast.sales1, kind=Kind.SHARED, key=f"k{index}")
                                     for index in range(120))
    page = client_for(cast.sales1).get(reverse("workplans:plan-list")).content.decode()
    assert 'bg-danger">99+<span class="visually-hidden"> unread' in page


def test_the_settings_page_takes_a_plan_reminder_lead_and_refuses_zero(cast, client_for):
    client = client_for(cast.sales1)
    page = client.get(reverse("notifications:preference-edit")).content.decode()
    assert "A plan of yours starts soon" in page and "Your group&#x27;s daily digest" not in page
    response = client.post(reverse("notifications:preference-edit"), {"plan_lead_minutes": "0"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "确保该值大于或等于1" in response.content.decode()
    assert client.post(reverse("notifications:preference-edit"), {"plan_lead_minutes": "30"}).status_code == 302
    assert cast.sales1.notify_preference.plan_lead_minutes == 30
    assert "Your group&#x27;s daily digest" in client_for(cast.sup1).get(reverse("notifications:preference-edit")).content.decode()
