"""Demo follow-ups, generated inside PostgreSQL (INSERT ... SELECT) so ten million take minutes."""

from django.db import connection, transaction

from common.bulk import analyze
from crm.models import Customer, FollowUp
from demo.bulk import indexes_deferred, worth_deferring

SUBJECTS = ["电话沟通", "上门拜访", "发送报价", "样品寄送", "合同洽谈", "售后回访", "微信联系", "技术交流", "价格谈判", "节日问候"]
CONTENTS = [
    "客户对产品很感兴趣，要求下周再详细介绍。",
    "客户认为价格偏高，希望给九折优惠。",
    "已寄出样品，客户收到后会安排测试。",
    "客户负责人出差，约好月底再联系。",
    "合同条款基本谈妥，等待客户法务审核。",
    "客户反馈上次的服务很满意，可能追加订单。",
    "客户暂时没有预算，明年再跟进。",
    "和客户技术部门开会，解答了三个问题。",
]


def seed_followups(*, target: int, batch_customers=50_000, progress=None) -> int:
    """Add follow-ups until there are about `target` in all, for the customers that have a last
    contact time: the first at exactly that time, the others between the customer's creation and
    it (so the customer's last contact stays the latest follow-up, and no customer is updated)."""
    existing = FollowUp.objects.count()
    missing = target - existing
    contacted = Customer.objects.filter(last_contact_at__isnull=False).count()
    if missing <= 0 or contacted == 0:
        return 0
    average = missing / contacted
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM crm_customer")
        low, high = cursor.fetchone()
    added = 0
    with transaction.atomic(), indexes_deferred(FollowUp._meta.db_table, enabled=worth_deferring(missing, existing)):
        for start in range(low, high + 1, batch_customers):
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO crm_followup (customer_id, author_id, subject, content, occurred_at, created_at, updated_at)
                    SELECT c.id, coalesce(c.owner_id, c.created_by_id),
                           (%(subjects)s::text[])[1 + floor(random() * %(n_subjects)s)::int],
                           (%(contents)s::text[])[1 + floor(random() * %(n_contents)s)::int],
                           t.at, t.at, t.at
                    FROM crm_customer c
                    CROSS JOIN LATERAL generate_series(
                        1, CASE WHEN %(average)s >= 1 THEN 1 + floor(random() * (2 * %(average)s - 1) + 0 * c.id)::int
                                WHEN random() < %(average)s THEN 1 ELSE 0 END) AS g(n)
                    CROSS JOIN LATERAL (
                        SELECT CASE WHEN g.n = 1 THEN c.last_contact_at
                                    ELSE c.created_at + random() * (c.last_contact_at - c.created_at) END AS at
                    ) AS t
                    WHERE c.id >= %(start)s AND c.id < %(end)s AND c.last_contact_at IS NOT NULL
                      AND coalesce(c.owner_id, c.created_by_id) IS NOT NULL
                    """,
                    {"subjects": SUBJECTS, "n_subjects": len(SUBJECTS), "contents": CONTENTS, "n_contents": len(CONTENTS),
                     "average": average, "start": start, "end": start + batch_customers},
                )
                added += cursor.rowcount
            if progress:
                progress(added, missing)
    analyze(FollowUp)
    return added
