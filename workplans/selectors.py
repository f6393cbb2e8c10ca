"""Reads of work plans. Every one starts from the policy's `visible_plans(user)`."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.policies import sales_staff_for, visible_users
from common.timewindows import Window, day_window, local_midnight, today, week_window
from crm.policies import visible_customers
from crm.search import apply_search
from workplans.models import Plan
from workplans.policies import visible_plans

STATUS_DONE, STATUS_OPEN, STATUS_OVERDUE = "done", "open", "overdue"
MAX_PEOPLE_MATCHED = 200  # a name search narrows to at most this many people
AGENDA_LIMIT = 500  # no real week holds more; keeps a runaway agenda bounded
TODAY_LIMIT = 50


def plan_list(
    user, *, window: Window | None = None, status: str = "", author_ids=None, now=None, newest_first=False
) -> QuerySet[Plan]:
    """Plans `user` may see, filtered by start-time window, status and author, ordered by start time.

    Status "overdue" means not completed and past its end time at `now` (SPEC §4.2.B).
    """
    now = now or timezone.now()
    plans = visible_plans(user).select_related("author", "author__sales_group")
    if window is not None:
        plans = plans.filter(**window.as_filter("start_at"))
    if status == STATUS_DONE:
        plans = plans.filter(status=Plan.Status.DONE)
    elif status == STATUS_OPEN:
        plans = plans.filter(status=Plan.Status.OPEN)
    elif status == STATUS_OVERDUE:
        # start_at < now follows from end_at < now (a plan ends after it starts); saying it lets
        # the open-plans index skip the future plans instead of reading through them.
        plans = plans.filter(status=Plan.Status.OPEN, end_at__lt=now, start_at__lt=now)
    if author_ids is not None:
        plans = plans.filter(author_id__in=author_ids)
    return plans.order_by("-start_at", "-id") if newest_first else plans.order_by("start_at", "id")


def people_matching(user, name: str) -> list[int]:
    """Ids of the people `user` may look at whose name or login contains `name`."""
    name = name.strip()
    people = visible_users(user).filter(
        Q(full_name__icontains=name) | Q(username__icontains=name)
        | Q(first_name__icontains=name) | Q(last_name__icontains=name)
    )
    return list(people.order_by("pk").values_list("pk", flat=True)[:MAX_PEOPLE_MATCHED])


@dataclass
class AgendaDay:
    day: date
    plans: list
    is_today: bool
    visits: list = field(default_factory=list)  # customers whose next contact falls on the day


def agenda(user, *, author, window: Window, now=None) -> list[AgendaDay]:
    """`author`'s plans starting in `window`, one entry per day (empty days included), by start
    time, beside the visits due that day: `author`'s customers whose next contact date it is
    (today's entry also holds the overdue ones, as "to visit today" does). A visit a plan of
    that day links is marked `planned`."""
    now = now or timezone.now()
    plans = list(
        plan_list(user, window=window, author_ids=[author.pk], now=now)[:AGENDA_LIMIT]
    )
    first, last = today(window.start), today(window.end - timedelta(microseconds=1))
    by_day = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    for plan in plans:
        by_day.setdefault(today(plan.start_at), []).append(plan)
    current = today(now)
    days = [AgendaDay(day, items, day == current) for day, items in sorted(by_day.items())]
    _add_visits(user, author, days, current, plans)
    return days


def _add_visits(user, author, days: list[AgendaDay], current: date, plans: list) -> None:
    """Two queries: the visits due in the days shown, and which of them the shown plans link."""
    first, last = days[0].day, days[-1].day
    due = Q(next_contact_on__range=(first, last))
    if first <= current <= last:
        due |= Q(next_contact_on__lt=current)  # overdue: still to visit, today
    customers = list(
        visible_customers(user).filter(due, owner_id=author.pk)
        .order_by("next_contact_on", "name", "pk")[:AGENDA_LIMIT]
    )
    planned = set()
    if customers and plans:
        links = Plan.customers.through.objects.filter(plan_id__in=[p.pk for p in plans], customer_id__in=[c.pk for c in customers])
        start_day = {plan.pk: today(plan.start_at) for plan in plans}
        planned = {(start_day[link.plan_id], link.customer_id) for link in links}
    entries = {entry.day: entry for entry in days}
    for customer in customers:
        day = max(customer.next_contact_on, current) if first <= current <= last else customer.next_contact_on
        entry = entries.get(day)
        if entry is not None:
            customer.overdue = customer.next_contact_on < current
            customer.planned = (day, customer.pk) in planned
            entry.visits.append(customer)


def agenda_window(kind: str, day: date) -> Window:
    around = local_midnight(day)
    return week_window(around) if kind == "week" else day_window(around)


def todays_plans(user, now=None) -> list[Plan]:
    """`user`'s own plans starting today, by start time: the home page's "today" box."""
    now = now or timezone.now()
    return list(plan_list(user, window=day_window(now), author_ids=[user.pk], now=now)[:TODAY_LIMIT])


@dataclass
class SummaryRow:
    person: User
    done: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open


def week_summary(user, now=None) -> list[SummaryRow]:
    """Per salesperson `user` oversees: this week's plans completed / not completed / overdue.

    Overdue plans are counted among the not completed as well. Three queries, whatever the size.
    """
    now = now or timezone.now()
    counts = (
        visible_plans(user)
        .filter(**week_window(now).as_filter("start_at"))
        .values("author_id")
        .annotate(
            done=Count("id", filter=Q(status=Plan.Status.DONE)),
            open=Count("id", filter=Q(status=Plan.Status.OPEN)),
            overdue=Count("id", filter=Q(status=Plan.Status.OPEN, end_at__lt=now)),
        )
    )
    by_author = {row["author_id"]: row for row in counts}
    people = sales_staff_for(user).filter(Q(role=User.Role.SALESPERSON) | Q(pk__in=list(by_author)))
    rows = []
    for person in people:
        row = by_author.get(person.pk, {})
        rows.append(SummaryRow(person, row.get("done", 0), row.get("open", 0), row.get("overdue", 0)))
    return rows


def customer_to_plan(user, value: str):
    """The customer a new plan is started from (?customer=<id>), if `user` may see it, else None."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return visible_customers(user).filter(pk=int(value)).first()


PICKER_LIMIT = 20  # customers the plan form's picker offers for what was typed
PICKER_SUGGESTIONS = 8  # and before anything is typed: a phone screen of them


def customers_to_link(user, *, author, text: str = "", exclude=()) -> list:
    """What the plan form's customer picker offers: customers `author` may link (and `user`, who
    may be editing someone else's plan, may see), matching `text`; without text, the author's own
    customers due soonest. Those already chosen (`exclude`) are left out."""
    customers = visible_customers(author)
    if author.pk != user.pk:
        customers = customers.filter(pk__in=visible_customers(user).values("pk"))
    if exclude:
        customers = customers.exclude(pk__in=list(exclude))
    if text:
        return list(apply_search(customers, text).order_by("name", "pk")[:PICKER_LIMIT])
    customers = customers.filter(owner_id=author.pk).order_by(F("next_contact_on").asc(nulls_last=True), "name", "pk")
    return list(customers[:PICKER_SUGGESTIONS])


def linked_customers(user, plan) -> tuple[list, int]:
    """The plan's customers that `user` may see now, and how many others it links.

    A customer may have changed hands since it was linked: its name is then not shown.
    """
    linked = plan.customers.order_by("name", "pk")
    shown = list(linked.filter(pk__in=visible_customers(user).values("pk")))
    return shown, linked.count() - len(shown)
