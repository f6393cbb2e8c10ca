import io

import pytest
from django.core.management import call_command

from accounts.models import User
from crm.models import Custody, Customer


@pytest.mark.django_db(transaction=True)
def test_the_claim_race_benchmark_reports_one_winner_per_race_and_cleans_up():
    out = io.StringIO()
    call_command("bench_claims", races=3, claimers=4, stdout=out)
    report = dict(line.rsplit(None, 1) for line in out.getvalue().splitlines() if not line.startswith(" "))
    assert report["races with exactly one winner"]== "3"
    assert report["double claims"]== "0"
    assert report["errors (deadlocks included)"]== "0"
    assert not Customer.objects.exists() and not Custody.objects.exists()
    assert not User.objects.filter(username__startswith="bench-race").exists()
