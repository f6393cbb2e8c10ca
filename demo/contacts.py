"""Demo contacts (联系人), generated inside PostgreSQL (INSERT ... SELECT, like demo.followups):
a few per customer, the first one primary; three million take minutes at the large scale.

Mobiles start with 147, a prefix no demo customer's phone uses, and are unique (from the
customer's id and the contact's place), so the demo's contacts never collide in the duplicate
check (撞单). The search text and normalised phones are generated columns: the database fills
them exactly as for contacts entered through the page."""

from django.db import connection, transaction

from common.bulk import analyze
from contacts.models import Contact
from demo.bulk import indexes_deferred, worth_deferring
from demo.people import GIVEN, SURNAMES

TITLES = ["总经理", "采购经理", "财务经理", "技术总监", "行政主管", "项目经理", "董事长", "采购专员", "会计", ""]
ROLES = ["decision_maker", "user", "finance", "influencer", ""]
NOTES = ["喜欢电话沟通，不喜欢微信长语音。", "下午三点后方便联系。", "对价格敏感。", "老板的亲戚，说话有分量。", "", "", ""]


def seed_contacts(*, per_customer: float = 3.0, batch_customers=50_000, progress=None) -> int:
    """Give every customer without contacts about `per_customer` of them (1 to 2 x per_customer - 1),
    the first primary. Safe to re-run: customers that already have contacts are left alone."""
    if per_customer <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id), count(*) FROM crm_customer")
        low, high, customers = cursor.fetchone()
    if not customers:
        return 0
    existing = Contact.objects.count()
    expected = int(customers * per_customer)
    added = 0
    with transaction.atomic(), indexes_deferred(Contact._meta.db_table,
                                                enabled=worth_deferring(expected - existing, existing)):
        for start in range(low, high + 1, batch_customers):
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO contacts_contact (customer_id, name, title, role, mobile, landline, wechat, email,
                                                  birthday, notes, is_primary, created_by_id, created_at, updated_at)
                    SELECT c.id,
                           substr(%(surnames)s::text, (1 + (c.id * 7 + g.n * 3) %% %(n_surnames)s)::int, 1)
                             || substr(%(given)s::text, (1 + (c.id * 11 + g.n * 5) %% %(n_given)s)::int, 1)
                             || CASE WHEN (c.id + g.n) %% 3 = 0 THEN ''
                                     ELSE substr(%(given)s::text, (1 + (c.id * 13 + g.n) %% %(n_given)s)::int, 1) END,
                           (%(titles)s::text[])[(1 + (c.id + g.n) %% %(n_titles)s)::int],
                           (%(roles)s::text[])[(1 + (c.id * 3 + g.n) %% %(n_roles)s)::int],
                           '147' || lpad(((c.id * 8 + g.n) %% 100000000)::text, 8, '0'),
                           CASE WHEN (c.id + g.n) %% 4 = 0 THEN '021-' || lpad(((c.id * 31 + g.n) %% 100000000)::text, 8, '0')
                                ELSE '' END,
                           CASE WHEN (c.id + g.n) %% 2 = 0 THEN 'wx_' || c.id || '_' || g.n ELSE '' END,
                           CASE WHEN (c.id + g.n) %% 5 = 0 THEN 'contact' || c.id || '.' || g.n || '@example.com'
                                ELSE '' END,
                           CASE WHEN (c.id + g.n) %% 3 = 1
                                THEN date '1960-01-01' + ((c.id * 37 + g.n * 101) %% 14000)::int END,
                           (%(notes)s::text[])[(1 + (c.id + g.n * 7) %% %(n_notes)s)::int],
                           g.n = 1, coalesce(c.owner_id, c.created_by_id), c.created_at, c.created_at
                    FROM crm_customer c
                    CROSS JOIN LATERAL generate_series(
                        1, greatest(1, round(1 + random() * (2 * %(average)s - 2) + 0 * c.id)::int)) AS g(n)
                    WHERE c.id >= %(start)s AND c.id < %(end)s
                      AND NOT EXISTS (SELECT 1 FROM contacts_contact k WHERE k.customer_id = c.id)
                    """,
                    {"surnames": SURNAMES, "given": GIVEN, "n_surnames": len(SURNAMES), "n_given": len(GIVEN), "titles": TITLES, "n_titles": len(TITLES),
                     "roles": ROLES, "n_roles": len(ROLES), "notes": NOTES, "n_notes": len(NOTES),
                     "average": per_customer, "start": start, "end": start + batch_customers},
                )
                added += cursor.rowcount
            if progress:
                progress(added, max(expected - existing, added))
    analyze(Contact)
    return added
