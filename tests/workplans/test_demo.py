import random

import pytest
from django.utils import timezone

from demo import plans as demo
from workplans.models import Plan, PlanStatusChange

pytestmark = pytest.mark.django_db


def test_it_seeds_a_realistic_spread_once(cast):
    people = [cast.sales1, cast.sales1b, cast.sales2]
    now = timezone.now()
    created = demo.seed(people=people, rng=random.Random(7), now=now)
    assert created > 30 and Plan.objects.count() == created
    assert Plan.objects.filter(status=Plan.Status.DONE).exists()
    assert Plan.objects.filter(status=Plan.Status.OPEN, end_at__lt=now).exists()  # some overdue
    assert Plan.objects.filter(start_at__gt=now).exists()
    assert PlanStatusChange.objects.filter(by=cast.sup1).exists()  # confirmed by the supervisor
    assert any("\u4e00" <= ch <= "\u9fff" for ch in Plan.objects.first().subject)
    assert demo.seed(people=people, rng=random.Random(8), now=now) == 0
    assert Plan.objects.count() == created

