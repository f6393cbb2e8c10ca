"""manage.py seed_complaints: complaints on a share of the demo company's held customers, logged
over the last --days days in every state (for the complaints pages, the report and `bench`).
Repeatable (--seed); run again, it adds more. Ends by analysing the tables it filled."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from common import bulk
from complaints.models import DEFAULT_HOURS, Category, Channel, Complaint, Severity, State, Step
from crm.models import Customer

BATCH = 5000


class Command(BaseCommand):
    help = "Add complaints (with their steps) to a share of the held customers."

    def add_arguments(self, parser):
        parser.add_argument("--share", type=float, default=0.1, help="share of held customers that complained")
        parser.add_argument("--days", type=int, default=180, help="logged within this many days")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        now = timezone.now()
        held = list(Customer.objects.filter(owner__isnull=False).values_list("pk", "owner_id"))
        chosen = rng.sample(held, int(len(held) * options["share"]))
        made = 0
        for start in range(0, len(chosen), BATCH):
            with transaction.atomic():
                complaints = [self._complaint(rng, now, options["days"], pk, owner) for pk, owner in chosen[start:start + BATCH]]
                Complaint.objects.bulk_create(complaints)
                Step.objects.bulk_create([step for complaint in complaints for step in self._steps(complaint)])
            made += len(complaints)
        bulk.analyze(Complaint, Step)
        self.stdout.write(f"Added {made} complaints.")

    def _complaint(self, rng, now, days, customer_id, owner_id):
        severity = rng.choice(Severity.values)
        respond, resolve = DEFAULT_HOURS[Severity(severity)]
        created = now - timedelta(minutes=rng.randrange(days * 24 * 60))
        state = rng.choices(State.values, weights=[10, 15, 20, 50, 5])[0]
        complaint = Complaint(
            customer_id=customer_id, owner_id=owner_id, logged_by_id=owner_id, channel=rng.choice(Channel.values),
            category=rng.choice(Category.values), severity=severity, description="演示投诉：" + rng.choice(
                ["发货晚了", "质量有问题", "发票开错", "业务员态度差", "需要上门服务"]),
            state=state, created_at=created, updated_at=created,
            response_due_at=created + timedelta(hours=respond), resolution_due_at=created + timedelta(hours=resolve),
        )
        if state != State.NEW:
            complaint.responded_at = min(now, created + timedelta(hours=rng.expovariate(1 / 18)))
        if state in (State.RESOLVED, State.CLOSED):
            complaint.resolved_at = min(now, complaint.responded_at + timedelta(hours=rng.expovariate(1 / 40)))
        if state == State.CLOSED:
            complaint.closed_at = min(now, complaint.resolved_at + timedelta(hours=24))
        return complaint

    def _steps(self, complaint):
        steps = [Step(complaint=complaint, to_state=State.NEW, by_id=complaint.owner_id, at=complaint.created_at)]
        previous = State.NEW
        for state, at in ((State.RESPONDED, complaint.responded_at), (State.RESOLVED, complaint.resolved_at),
                          (State.CLOSED, complaint.closed_at)):
            if at is not None:
                steps.append(Step(complaint=complaint, from_state=previous, to_state=state, by_id=complaint.owner_id, at=at))
                previous = state
        return steps
