"""Demo plans for the README's run command (`seed`) and the 2,000,000-plan benchmark (`bulk_seed`)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from workplans.models import Plan, PlanStatusChange

SUBJECTS = [
    "电话回访{c}", "拜访{c}", "给{c}发送报价单", "与{c}谈合同细节", "整理{c}的需求", "跟进{c}的付款",
    "邀请{c}参加产品演示", "准备{c}的方案", "{c}售后回访", "确认{c}的发货时间",
]
COMPANIES = [
    "华信科技", "东方贸易", "恒达物流", "金桥建材", "新民食品", "远航电子", "瑞丰医药", "长城机械",
    "海纳软件", "天成家具", "中和化工", "宏图广告",
]
CONTENTS = [
    "了解对方最新需求，确认预算范围。", "带上新版产品资料和价格表。", "上次沟通提到交期问题，这次给出答复。",
    "对方采购经理换人，重新建立联系。", "确认试用反馈，争取下周签约。", "",
]
REMARKS = ["", "", "对方只在下午有空", "需要主管一起参加", "提前准备样品", "注意对方的付款周期"]
SLOTS = [(9, 0), (10, 30), (14, 0), (15, 30), (17, 0)]


def _subject(rng) -> str:
    return rng.choice(SUBJECTS).format(c=rng.choice(COMPANIES))


def _at(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def seed(*, people, rng, now) -> int:
    """Three weeks back to a week ahead of plans for each person, when none of them has plans yet.

    Past plans are mostly completed (some confirmed by the supervisor), a few overdue; today's
    are partly done; future ones are open. Returns the number of plans created (0 on a re-run).
    """
    if not people or Plan.objects.filter(author__in=people).exists():
        return 0
    today = timezone.localtime(now).date()
    created = 0
    for person in people:
        supervisor = person.sales_group.supervisor if person.sales_group_id else None
        for offset in range(-21, 8):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for hour, minute in rng.sample(SLOTS, rng.randint(1, 3)):
                start = _at(day, hour, minute)
                end = start + timedelta(minutes=rng.choice([30, 60, 90, 120]))
                plan = Plan(
                    author=person, subject=_subject(rng), content=rng.choice(CONTENTS),
                    remarks=rng.choice(REMARKS), start_at=start, end_at=end,
                )
                finished = end < now and rng.random() < 0.85
                if finished:
                    plan.status, plan.completed_by = Plan.Status.DONE, person
                    plan.completed_at = min(end + timedelta(minutes=rng.randint(0, 240)), now)
                plan.save()
                created += 1
                if finished:
                    _history(plan, person, supervisor, rng, now)
    return created


def _history(plan, person, supervisor, rng, now):
    PlanStatusChange.objects.create(
        plan=plan, action=PlanStatusChange.Action.COMPLETED, from_status=Plan.Status.OPEN,
        to_status=Plan.Status.DONE, by=person, at=plan.completed_at,
    )
    if supervisor is not None and rng.random() < 0.6:
        confirmed_at = min(plan.completed_at + timedelta(hours=rng.randint(1, 30)), now)
        Plan.objects.filter(pk=plan.pk).update(confirmed_by=supervisor, confirmed_at=confirmed_at)
        PlanStatusChange.objects.create(
            plan=plan, action=PlanStatusChange.Action.CONFIRMED, from_status=Plan.Status.DONE,
            to_status=Plan.Status.DONE, by=supervisor, at=confirmed_at,
        )


def bulk_seed(*, author_ids, count, rng, now, batch_size=10_000) -> int:
    """Insert `count` plans fast for the benchmark: spread over the last two years and the next
    month, 90% of past plans completed. No status history (it is not what lists read)."""
    author_ids = list(author_ids)
    span = int(timedelta(days=760).total_seconds())
    base = now - timedelta(days=730)
    done, open_ = Plan.Status.DONE, Plan.Status.OPEN
    inserted = 0
    while inserted < count:
        batch = []
        for _ in range(min(batch_size, count - inserted)):
            start = base + timedelta(seconds=rng.randrange(span))
            end = start + timedelta(minutes=rng.choice((30, 60, 90, 120)))
            author = rng.choice(author_ids)
            finished = end < now and rng.random() < 0.9
            batch.append(Plan(
                author_id=author, subject=_subject(rng), start_at=start, end_at=end,
                status=done if finished else open_, completed_at=end if finished else None,
                completed_by_id=author if finished else None,
            ))
        with transaction.atomic():
            Plan.objects.bulk_create(batch)
        inserted += len(batch)
    return inserted
