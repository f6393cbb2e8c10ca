import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_salesperson_home_shows_their_group(cast, client_for):
    page = client_for(cast.sales1).get(reverse("home")).content.decode()
    assert "Group A" in page
    assert "You see your own customers" in page


def test_supervisor_home_lists_the_groups_they_supervise(cast, client_for):
    page = client_for(cast.sup1).get(reverse("home")).content.decode()
    assert "Groups you supervise" in page and "Group A" in page
    assert "Group B" not in page


def test_admin_home_speaks_of_the_whole_company(cast, client_for):
    page = client_for(cast.admin).get(reverse("home")).content.decode()
    assert "You see the whole company" in page


def test_backup_operator_home_offers_nothing_but_backups(cast, client_for):
    page = client_for(cast.backup).get(reverse("home")).content.decode()
    assert "back up the company" in page
    for label in ("Customers", "Isolation pool", "Work plans", "Staff"):
        assert f">{label}<" not in page
    assert "Change password" in page and "Log out" in page


def test_pages_load_nothing_from_another_host(cast, client_for):
    page = client_for(cast.sales1).get(reverse("home")).content.decode()
    assert "http://" not in page and "https://" not in page
    assert "<script>" not in page  # no inline scripts: the CSP forbids them


def test_responses_carry_security_headers(cast, client_for):
    response = client_for(cast.sales1).get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_home_counts_each_quick_view_within_the_persons_scope(cast, client_for):
    from tests.factories import CustomerFactory

    CustomerFactory(owner=cast.sales1, type="prospect")
    CustomerFactory(owner=cast.sales1, type="prospect")
    CustomerFactory(owner=cast.sales2, type="prospect")
    tiles = client_for(cast.sales1).get(reverse("home")).context["tiles"]
    counts = {tile["view"].key: tile["count"] for tile in tiles}
    assert counts["prospects"] == 2 and counts["intentions"] == 0
    admin_tiles = client_for(cast.admin).get(reverse("home")).context["tiles"]
    assert {tile["view"].key: tile["count"] for tile in admin_tiles}["prospects"] == 3


def test_home_shows_todays_plans_and_latest_conversations(cast, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from crm import services
    from tests.factories import CustomerFactory
    from workplans.models import Plan

    customer = CustomerFactory(owner=cast.sales1)
    services.followup_create(customer=customer, subject="回访电话", content="c", occurred_at=timezone.now(), by=cast.sales1)
    start = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    Plan.objects.create(author=cast.sales1, subject="拜访宏达", start_at=start, end_at=start + timedelta(minutes=30))
    page = client_for(cast.sales1).get(reverse("home")).content.decode()
    assert "回访电话" in page and "拜访宏达" in page
    assert "Plans this week" in client_for(cast.sup1).get(reverse("home")).content.decode()
