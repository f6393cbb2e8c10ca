"""Demo work plans: a realistic few weeks per person for the README's run command (`seed`),
and millions in bulk for the benchmark (`seed_plans`, generated inside PostgreSQL)."""

from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from common.bulk import analyze
from demo.bulk import indexes_deferred, worth_deferring
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


def seed_plans(*, target: int, author_ids: list[int], batch=500_000, progress=None) -> int:
    """Add plans until there are `target` in all (running again adds nothing): spread over the
    last two years and the next month, 90% of past plans completed, no status history (lists do
    not read it)."""
    existing = Plan.objects.count()
    missing = target - existing
    if missing <= 0 or not author_ids:
        return 0
    subjects = [subject.format(c=company) for subject in SUBJECTS for company in COMPANIES]
    now = timezone.now()
    added = 0
    with transaction.atomic(), indexes_deferred(Plan._meta.db_table, enabled=worth_deferring(missing, existing)):
        while added < missing:
            size = min(batch, missing - added)
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO workplans_plan (author_id, subject, content, remarks, start_at, end_at, status,
                                                completed_at, completed_by_id, created_at, updated_at)
                    SELECT author, subject, '', '', start_at, end_at, CASE WHEN done THEN 'done' ELSE 'open' END,
                           CASE WHEN done THEN end_at END, CASE WHEN done THEN author END,
                           start_at - interval '2 days', start_at - interval '2 days'
                    FROM (
                        SELECT author, subject, start_at, end_at, end_at < %(now)s AND random() < 0.9 AS done
                        FROM (
                            SELECT author, subject, start_at, start_at + minutes * interval '1 minute' AS end_at
                            FROM (
                                SELECT (%(authors)s::bigint[])[1 + floor(random() * %(n_authors)s)::int] AS author,
                                       (%(subjects)s::text[])[1 + floor(random() * %(n_subjects)s)::int] AS subject,
                                       date_trunc('minute', %(base)s + random() * %(span)s) AS start_at,
                                       30 * (1 + floor(random() * 4)) AS minutes
                                FROM generate_series(1, %(size)s) AS g(n)
                            ) AS drawn
                        ) AS timed
                    ) AS planned
                    """,
                    {"authors": list(author_ids), "n_authors": len(author_ids), "subjects": subjects,
                     "n_subjects": len(subjects), "now": now, "base": now - timedelta(days=730),
                     "span": timedelta(days=760), "size": size},
                )
            added += size
            if progress:
                progress(added, missing)
    analyze(Plan)
    return added
