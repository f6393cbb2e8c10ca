"""`manage.py bench`: our pages side by side with their SQL floor and the Django admin changelist."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.admin_sites import admin_url
from benchmarks.pages import pages
from crm.models import Custody, Customer
from reports.models import ReportRefresh
from tests.factories import CustomerFactory


def _bench(capsys, *args):
    call_command("bench", "--json", "--requests", "2", "--warmup", "0", *args)
    return json.loads(capsys.readouterr().out)


def test_it_measures_a_search_against_its_floor_and_the_admin(customers, capsys):
    report = _bench(capsys, "--roles", "salesperson,supervisor", "--only", "search:1 CJK")
    assert report["customers"] == 4 and "CPUs" in report["machine"]
    assert [row["role"] for row in report["results"]] == ["salesperson", "supervisor"]
    for row in report["results"]:
        assert row["queries"] > 0 and row["floor_ms"] > 0 and row["page_floor_ratio"] > 0
        assert row["admin_url"].startswith("/bench-admin/customers/") and "q=%E6%9D%8E" in row["admin_url"]
        assert row["unbounded_counts"] == 0 and row["admin_unbounded_counts"] >= 1  # the admin counts every match
        assert row["admin_p50_ms"] > 0 and row["ours_admin_ratio"] == pytest.approx(row["p50_ms"] / row["admin_p50_ms"], rel=0.1)


def test_it_compares_the_pool_with_the_admin_on_the_pool(customers, capsys):
    report = _bench(capsys, "--roles", "salesperson", "--only", "pool:vip", "--no-floor")
    (row,) = report["results"]
    assert row["admin_url"] == "/bench-admin/pool/crm/customer/?grade__exact=vip"
    assert row["floor_ms"] is None and row["admin_p50_ms"] > 0


def test_pages_without_an_admin_equivalent_have_no_admin_figures(customers, capsys):
    report = _bench(capsys, "--roles", "salesperson", "--only", "name only", "--no-floor")
    (row,) = report["results"]
    assert row["admin_url"] is None and row["ours_admin_ratio"] is None


def test_it_asks_the_admin_the_same_question_as_each_view(cast):
    urls = dict(pages(cast.sales1))
    contacted = admin_url(urls["customers:contacted_today"])
    assert "last_contact_at__gte=" in contacted and "last_contact_at__lt=" in contacted and "o=-8" in contacted
    assert "next_contact_on__lt=" in admin_url(urls["customers:visit_week"])
    assert "type__exact=prospect" in admin_url(urls["customers:prospects"])
    assert admin_url(urls["search:李 page 50"]).endswith("q=%E6%9D%8E&p=50")
    assert admin_url("/followups/") is None
    assert admin_url(urls["customers:overdue"]) is None  # an OR the admin's filters cannot ask (it crashed the bench)


def test_the_admin_changelist_shows_only_what_the_salesperson_may_see(customers, cast):
    client = Client()
    client.force_login(cast.sales1)
    with override_settings(ROOT_URLCONF="benchmarks.admin_urls"):
        page = client.get(admin_url("/customers/?q=李")).content.decode()
    assert "李华" in page and "李四海" not in page  # the other group's customer stays out


def test_the_admin_is_not_served_by_the_crm(customers, cast, client_for):
    client = client_for(cast.admin)
    assert client.get("/bench-admin/customers/crm/customer/").status_code == 404
    assert client.get("/admin/").status_code == 404


def _company(cast, days_since_contact):
    """Customers of sales1, last contacted that many days ago each."""
    now = timezone.now()
    return [
        CustomerFactory(owner=cast.sales1, created_by=cast.sales1, last_contact_at=now - timedelta(days=days),
                        created_at=now - timedelta(days=days))
        for days in days_since_contact
    ]


def test_the_morning_phase_runs_the_nightly_jobs_first_and_times_the_first_visit(cast, capsys):
    overdue, recent = _company(cast, [400, 2])
    report = _bench(capsys, "--phase", "morning", "--roles", "supervisor", "--only", "home", "--no-admin", "--no-floor")
    (phase,) = report["phases"]
    assert [job["job"] for job in phase["jobs"]] == ["recycle_pool", "refresh_reports"]
    assert ReportRefresh.objects.exists()  # the jobs ran for real, as at night
    overdue.refresh_from_db(), recent.refresh_from_db()
    assert overdue.owner is None and recent.owner == cast.sales1
    (row,) = report["results"]
    assert row["phase"] == "morning" and row["page"] == "home" and row["first_ms"] > 0


def test_the_recycled_phase_measures_after_a_big_recycle_and_leaves_the_company_as_it_was(cast, capsys):
    customers = _company(cast, [10, 20, 30, 40, 50, 60, 70, 80, 5, 1])
    report = _bench(capsys, "--phase", "warm,recycled", "--recycle-share", "0.4", "--roles", "salesperson",
                    "--only", "pool:all", "--no-admin", "--no-floor")
    assert [phase["phase"] for phase in report["phases"]] == ["warm", "recycled"]
    recycled = report["phases"][1]
    assert recycled["moved_to_pool"] == 4  # the four oldest of ten
    assert [job["job"] for job in recycled["jobs"]] == ["recycle_pool", "refresh_reports"]
    assert [row["phase"] for row in report["results"]] == ["warm", "recycled"]
    assert Customer.objects.filter(pk__in=[c.pk for c in customers], owner=cast.sales1).count() == 10  # rolled back
    assert not Custody.objects.filter(reason=Custody.Reason.RECYCLED).exists() and not ReportRefresh.objects.exists()


def test_it_refuses_an_unknown_phase(cast):
    with pytest.raises(CommandError, match="Unknown phase"):
        call_command("bench", "--phase", "noon")
