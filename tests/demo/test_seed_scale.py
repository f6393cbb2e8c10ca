"""seed_demo at scale: bulk customers, follow-ups and plans, safe to run again."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import SalesGroup, User
from crm.models import Customer, FollowUp
from demo.bulk import indexes_deferred
from demo.followups import seed_followups
from demo.plans import seed_plans
from workplans.models import Plan


def _indexes(table):
    """The table's indexes and constraints, as PostgreSQL describes them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = cursor.fetchall()
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1",
                       [table])
        return indexes + cursor.fetchall()


@pytest.mark.django_db
def test_a_scale_sets_the_company_size_and_flags_override_it(capsys):
    call_command("seed_demo", "--scale", "small", "--customers", "40", "--followups", "100", "--plans", "500")
    assert SalesGroup.objects.count() == 2 and User.objects.filter(role=User.Role.SALESPERSON).count() == 4
    assert Customer.objects.count() == 40
    assert 60 <= FollowUp.objects.count() <= 140
    assert Plan.objects.count() >= 500
    assert "small scale" in capsys.readouterr().out


@pytest.mark.django_db
def test_seeded_follow_ups_end_at_each_customers_last_contact(cast):
    call_command("seed_demo", "--customers", "80", "--followups", "400", "--plans", "0")
    contacted = Customer.objects.filter(last_contact_at__isnull=False)
    assert contacted.exists() and Customer.objects.filter(last_contact_at__isnull=True).exists()
    latest = dict(FollowUp.objects.values("customer").annotate(at=Max("occurred_at")).values_list("customer", "at"))
    assert all(latest[c.pk] == c.last_contact_at for c in contacted)
    assert not FollowUp.objects.filter(customer__last_contact_at__isnull=True).exists()
    before = FollowUp.objects.count()
    assert seed_followups(target=before) == 0  # already there: a re-run adds nothing


@pytest.mark.django_db
def test_bulk_plans_are_realistic_and_not_doubled(cast):
    authors = [cast.sales1.pk, cast.sales2.pk]
    assert seed_plans(target=3_000, author_ids=authors, batch=1_000) == 3_000
    assert seed_plans(target=3_000, author_ids=authors) == 0
    plans = Plan.objects.all()
    assert set(plans.values_list("author", flat=True).distinct()) == set(authors)
    done = plans.filter(status=Plan.Status.DONE)
    assert 0.6 < done.count() / plans.count() < 0.95  # most past plans are done, future ones open
    assert not done.exclude(completed_by__in=authors).exists()
    assert plans.filter(status=Plan.Status.OPEN, start_at__gt=Plan.objects.aggregate(m=Max("created_at"))["m"]).exists()


def test_indexes_come_back_after_a_bulk_load_and_stay_when_it_fails(customers, cast):
    before = _indexes("crm_followup")
    with transaction.atomic(), indexes_deferred("crm_followup"):
        assert len(_indexes("crm_followup")) < len(before)
        FollowUp.objects.create(customer=customers.own, author=cast.sales1, subject="电话", content="谈价格", occurred_at=timezone.now())
    assert _indexes("crm_followup") == before
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred("crm_followup"):  # keys still checked
        FollowUp.objects.create(customer_id=10**9, author=cast.sales1, subject="电话", content="谈价格", occurred_at=timezone.now())
    assert _indexes("crm_followup") == before
    with pytest.raises(RuntimeError), transaction.atomic(), indexes_deferred("crm_followup"):
        raise RuntimeError("interrupted load")
    assert _indexes("crm_followup") == before
