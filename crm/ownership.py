"""The one door for every change of a customer's owner (DESIGN "Data"; issues 19.4, 19.5, 21.2).

Giving up, claiming, handing out from the pool, bulk reassignment and bulk moves to the pool,
recycling, offboarding, creating a customer and importing all call this module; nothing else
writes `crm_customer.owner_id` (tests/crm/test_ownership_door.py reads the source to keep it
so). For one customer or a million, every change of owner here:

1. locks the receiving user's row (FOR SHARE) and refuses, with a translated message
   (`Refused.message`), a receiver who has left or may not hold customers. Offboarding locks
   the leaver's row FOR NO KEY UPDATE before it reads their customers and deactivates them in
   the same transaction; the two locks conflict, so a move to someone being offboarded either
   commits before offboarding reads their customers (and is swept with them) or waits for it
   and finds the account deactivated. Nobody who has left can end up holding a customer.
   (NO KEY UPDATE rather than FOR UPDATE: the leaver's own give-ups and follow-ups, whose
   foreign keys take KEY SHARE on the row, neither wait for it nor deadlock with it.)
2. locks the customers' rows (FOR UPDATE), and only then takes the time: a change waits for
   any other change of the same customer to commit, so custody rows of one customer follow
   commit order, by time and by id; readers of "the latest custody row" order by id.
3. updates the owner and, by one rule, what goes with it:
   - into the pool: `pooled_at` = now, `pool_reason` = the note, and the key-customer mark
     (`locked`) cleared. A key customer is a mark a supervisor puts on a customer someone
     holds, so that recycling leaves it with them; a customer in the pool is nobody's key
     customer, whoever put it there (give up, bulk move, recycling, offboarding).
   - out of the pool (claim, hand out): `pooled_at` and `pool_reason` cleared and the next
     contact date set by the grade's cadence from today. Pool customers are never marked.
   - from one owner to another (reassign, offboarding to a colleague): the mark and the next
     contact date stay, as the new owner takes the customer over.
4. ends the moved customers' shares (a share is a favour of the owner), and
5. writes one custody row per moved customer.

The receiver's lock conflicts with a write to their user row (FOR SHARE): their own login
(last_login) or a profile save waits while a bulk move to them commits (seconds; an import,
for its whole transaction). A bulk lock of the customer table must come after the receiver's
row lock (the import calls `lock_receiver` before its LOCK TABLE): an offboarding holding the
person's row may be waiting for that table.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from companylists import grades
from crm.cadence import default_next_contact
from crm.models import Custody, Customer, CustomerUserObjectPermission

CUSTODY_COLUMNS = ["customer_id", "from_owner_id", "to_owner_id", "actor_id", "reason", "note", "created_at"]
HOLDING_ROLES = (User.Role.SALESPERSON, User.Role.SUPERVISOR, User.Role.ADMIN)


# Apps above crm whose records follow a customer (open deals, contacts, complaints, ...) register a
# follower in their AppConfig.ready(): `follower(moved, *, to, by, reason, now)` is called inside
# move()'s transaction, after the customers moved, with `moved` = [(customer id, previous owner
# id), ...]. crm never imports those apps; they import this.
_followers = []


def register_follower(follower) -> None:
    if follower not in _followers:
        _followers.append(follower)


class Refused(Exception):
    """Nothing changed; `message` (translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Locked:
    """Customers chosen by raw SQL that locks them itself (e.g. a batch taken FOR UPDATE SKIP
    LOCKED): `sql` returns (id, owner_id) of owned customers, with `params`."""

    sql: str
    params: list


def lock_receiver(to) -> None:
    """Lock `to`'s user row until the transaction ends (FOR SHARE: receivers do not wait for each
    other, offboarding waits for them and they for it) and refuse one who has left or may not
    hold customers. None (the pool) locks nothing."""
    if to is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT is_active, role FROM {User._meta.db_table} WHERE id = %s FOR SHARE", [to.pk])
        row = cursor.fetchone()
    if row is None or not row[0]:
        raise Refused(_("%(name)s has left the company: customers cannot go to them.") % {"name": to.display_name})
    if row[1] not in HOLDING_ROLES:
        raise Refused(_("%(name)s cannot hold customers: only salespeople, supervisors and admins can.")
                      % {"name": to.display_name})


def move(customers, *, to=None, reason: str, by=None, note: str = "", from_pool: bool = False) -> list[tuple]:
    """Give `customers` to `to` (None: the pool); returns (id, previous owner id) of each one moved.

    `customers`: customer ids, a queryset of customers, or `Locked`. Only owned customers move
    (`from_pool`: only pool customers), and never to whoever already holds them, so a customer
    taken first by someone else is simply not moved (a claim that finds nothing lost its race).
    `by` is who did it (None: the system, e.g. nightly recycling); `note` is kept on the custody
    row and, into the pool, as the reason shown there. Call it inside a transaction."""
    if to is None and from_pool:
        raise ValueError("a customer in the pool cannot move to the pool")
    lock_receiver(to)
    rows = _lock_customers(customers, to=to, from_pool=from_pool)
    if not rows:
        return []
    now = timezone.now()  # after the locks: see the module's docstring
    _write(rows, to=to, reason=reason, by=by, note=note, now=now, from_pool=from_pool)
    for follower in _followers:
        follower(rows, to=to, by=by, reason=reason, now=now)
    return rows


def _lock_customers(customers, *, to, from_pool) -> list[tuple]:
    """(id, owner id) of the customers to move, locked, in id order (two bulk moves lock alike)."""
    source = "owner_id IS NULL" if from_pool else "owner_id IS NOT NULL"
    if isinstance(customers, Locked):
        sql, params = f"SELECT id, owner_id FROM ({customers.sql}) chosen WHERE {source}", list(customers.params)
    else:
        if isinstance(customers, QuerySet):
            try:
                inner, params = customers.order_by().values("pk").query.sql_with_params()
            except EmptyResultSet:  # e.g. Customer.objects.none()
                return []
            chosen, params = f"id IN ({inner})", list(params)
        else:
            chosen, params = "id = ANY(%s::bigint[])", [list(customers)]
        sql = (f"SELECT id, owner_id FROM {Customer._meta.db_table} WHERE {chosen} AND {source} "
               f"AND owner_id IS DISTINCT FROM %s ORDER BY id FOR UPDATE")
        params.append(getattr(to, "pk", None))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _write(rows, *, to, reason, by, note, now, from_pool) -> None:
    """One statement moves the customers and writes their custody rows (an UPDATE feeding an
    INSERT), one more ends their shares."""
    values = {"ids": [pk for pk, _old in rows], "from": [old for _pk, old in rows], "to": getattr(to, "pk", None),
              "now": now, "note": note[:255], "actor": getattr(by, "pk", None), "reason": reason}
    changes = ["owner_id = %(to)s::bigint", "updated_at = %(now)s"]
    if to is None:
        changes += ["pooled_at = %(now)s", "pool_reason = %(note)s", "locked = false"]
    elif from_pool:
        # One WHEN per grade of the company's (cached, small) list, numbered: keys are data.
        listed = grades.all_grades()
        cadence = " ".join(f"WHEN %(grade_{i})s THEN %(next_{i})s::date" for i in range(len(listed)))
        changes += ["pooled_at = NULL", "pool_reason = ''",
                    f"next_contact_on = CASE c.grade {cadence} ELSE %(next)s::date END" if listed
                    else "next_contact_on = %(next)s::date"]  # no grade list: default_next_contact's fallback
        for i, grade in enumerate(listed):
            values[f"grade_{i}"] = grade.key
            values[f"next_{i}"] = default_next_contact(grade.key, after=now)
        values["next"] = default_next_contact(grades.default_key() if listed else "", after=now)
    sql = f"""
    WITH plan AS (SELECT * FROM unnest(%(ids)s::bigint[], %(from)s::bigint[]) AS p(id, from_owner)),
    moved AS (
        UPDATE {Customer._meta.db_table} c SET {", ".join(changes)}
        FROM plan WHERE c.id = plan.id
        RETURNING c.id, plan.from_owner
    )
    INSERT INTO {Custody._meta.db_table} ({", ".join(CUSTODY_COLUMNS)})
    SELECT id, from_owner, %(to)s::bigint, %(actor)s::bigint, %(reason)s, %(note)s, %(now)s FROM moved
    """
    shares = CustomerUserObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        cursor.execute(f"DELETE FROM {shares} WHERE content_object_id = ANY(%s::bigint[])", [values["ids"]])


# --- New customers ---------------------------------------------------------------------------------


def create(*, fields: dict, to, by, reason: str = Custody.Reason.CREATED) -> Customer:
    """A new customer held by `to`, with its custody row. Call it inside a transaction."""
    lock_receiver(to)
    now = timezone.now()
    customer = Customer.objects.create(**fields, owner=to, created_by=by, created_at=now)
    Custody.objects.create(customer=customer, from_owner=None, to_owner=to, actor=by, reason=reason, created_at=now)
    return customer


def insert_staged(*, stage: str, columns: list[str], to, by, pool_reason: str = "") -> datetime:
    """New customers in bulk (the import): every row of the temporary table `stage` (its `id`
    and `columns`, in `row_number` order) becomes a customer of `to` (None: the pool, with
    `pool_reason`), created by `by`. Locks and checks the receiver first, then takes the time,
    which it returns: `record_staged` writes the custody rows with it once the caller has
    withdrawn any staged customer someone else entered meanwhile (the import's merge)."""
    lock_receiver(to)
    now = timezone.now()
    owner_id = getattr(to, "pk", None)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Customer._meta.db_table} (id, {names}, photo, owner_id, created_by_id, created_at, "
            f"updated_at, pooled_at, pool_reason) SELECT id, {names}, '', %s, %s, %s, %s, %s, %s FROM {stage} "
            "ORDER BY row_number",
            [owner_id, getattr(by, "pk", None), now, now, now if owner_id is None else None,
             pool_reason[:255] if owner_id is None else ""])
    return now


def record_staged(*, stage: str, to, by, reason: str, note: str = "", at) -> int:
    """One custody row per customer still in `stage` (see insert_staged); how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Custody._meta.db_table} ({', '.join(CUSTODY_COLUMNS)}) "
            f"SELECT id, NULL, %s, %s, %s, %s, %s FROM {stage} ORDER BY row_number",
            [getattr(to, "pk", None), getattr(by, "pk", None), reason, note[:255], at])
        return cursor.rowcount


# --- Nightly check -----------------------------------------------------------------------------------


def owners_unlike_custody(*, limit: int = 20) -> tuple[int, list[tuple]]:
    """Customers whose owner is not the one their latest custody row (by id) gave them to: how
    many, and (id, number, owner id, custody's owner id) of the first `limit`. Reported, never
    changed: custody is append-only, and which of the two is right needs a person."""
    sql = f"""
    SELECT c.id, c.number, c.owner_id, latest.to_owner_id, count(*) OVER ()
    FROM {Customer._meta.db_table} c
    LEFT JOIN LATERAL (
        SELECT k.to_owner_id FROM {Custody._meta.db_table} k WHERE k.customer_id = c.id ORDER BY k.id DESC LIMIT 1
    ) latest ON true
    WHERE c.owner_id IS DISTINCT FROM latest.to_owner_id
    ORDER BY c.id LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        rows = cursor.fetchall()
    return (rows[0][4] if rows else 0), [row[:4] for row in rows]


def unmark_pool_customers() -> int:
    """Clear the key-customer mark of pool customers (the rule above; an earlier version left it
    on customers given up); how many there were."""
    return Customer.objects.filter(owner__isnull=True, locked=True).update(locked=False, updated_at=timezone.now())
