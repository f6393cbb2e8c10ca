"""The monthly targets import (issue 22), checked and written like the deals import
(transfers.deal_import: the same preview, columns, all-or-nothing transaction).

A row is one month's target for one salesperson or one sales group: the month (2026-12, or the
targets export's 2026-12-01), the person (display name or login) or the group (its name), the
amount won and optionally new customers and follow-ups. Whose target one may set follows the
targets policy (deals.policies.target_people / target_groups: an admin everyone's and every
group's, a supervisor their groups' people and groups): anyone else is "not found", exactly as
an unknown name. A row equal to the target already set is "already there", so a re-run of the
same file (or of the targets export) changes nothing; a different one replaces it, as the targets
page does (deals.targets.target_set), each row in the import's one transaction.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from deals import policies as deal_policies
from deals import targets
from deals.models import MAX_TARGET_COUNT, Target
from transfers.columns import quoted
from transfers.contact_import import Checked, ContactColumn
from transfers.deal_import import _amount, _rows

Column = ContactColumn

TARGET_COLUMNS = [
    Column("month", gettext_lazy("Month"), "月份", ("月", "目标月份", "month"), 30),
    Column("amount", gettext_lazy("Amount won (CNY)"), "目标金额", ("成交目标", "金额", "金额（元）", "target", "amount"), 30),
    Column("salesperson", gettext_lazy("Salesperson"), "销售员", ("业务员", "销售", "姓名", "salesperson", "person"), 100),
    Column("sales_group", gettext_lazy("Sales group"), "销售组", ("小组", "组", "部门", "group", "sales group"), 100),
    Column("new_customers", gettext_lazy("New customers"), "新客户数", ("新客户", "new customers"), 10),
    Column("followups", gettext_lazy("Follow-ups"), "跟进次数", ("跟进", "联系次数", "follow-ups", "followups"), 10),
]
MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*0?1\s*日?)?$")


class ImportRejected(Exception):
    def __init__(self, checked):
        super().__init__("rejected")
        self.checked = checked


def _month(value, label) -> date:
    if isinstance(value, (date, datetime)):
        value = f"{value.year}-{value.month}"
    match = MONTH.match(str(value or "").strip())
    month = targets.parse_month(f"{match.group(1)}-{match.group(2)}") if match else None
    if month is None:
        raise ValueError(_("%(column)s: “%(value)s” is not a month between %(first)d and %(last)d (write it as "
                           "2026-12).") % {"column": label, "value": quoted(value), "first": targets.FIRST_YEAR,
                                          "last": targets.LAST_YEAR})
    return month


def _count(value, label):
    text = str(value if value is not None else "").strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_TARGET_COUNT:
        raise ValueError(_("%(column)s: enter a whole number between 0 and 1,000,000.") % {"column": label})
    return int(text)


def _lookup_people(by) -> dict:
    found = {}
    for person in deal_policies.target_people(by):
        for name in (person.display_name, person.username):
            found.setdefault(name.strip().lower(), set()).add(person)
    return found


def check_targets(*, table, columns: list, by) -> Checked:
    """Every row checked: cells, whose target (the policy), repeats, what is already set."""
    label = {column.field: column.label for column in TARGET_COLUMNS}
    people = _lookup_people(by)
    groups = {group.name.strip().lower(): group for group in deal_policies.target_groups(by)}

    def clean(data):
        data["month"] = _month(data["month"], label["month"])
        data["amount"] = _amount(data["amount"], label["amount"])
        data["new_customers"] = _count(data["new_customers"], label["new_customers"])
        data["followups"] = _count(data["followups"], label["followups"])
        person, group = str(data["salesperson"]).strip(), str(data["sales_group"]).strip()
        if bool(person) == bool(group):
            raise ValueError(_("Give either a salesperson or a sales group, not both and not neither."))
        data["salesperson"] = data["sales_group"] = None
        if person:
            found = people.get(person.lower(), set())
            if len(found) != 1:
                raise ValueError(_("No salesperson whose target you may set is named “%(name)s”.")
                                 % {"name": quoted(person)} if not found else
                                 _("Several people are named “%(name)s”: write their login instead.")
                                 % {"name": quoted(person)})
            data["salesperson"] = next(iter(found))
        else:
            if group.lower() not in groups:
                raise ValueError(_("No sales group whose target you may set is named “%(name)s”.")
                                 % {"name": quoted(group)})
            data["sales_group"] = groups[group.lower()]
        return data

    rows = _rows(table, columns, TARGET_COLUMNS, clean)
    good = [row for row in rows if row.status == "new"]
    existing = {}
    if good:
        months = {row.data["month"] for row in good}
        for target in Target.objects.filter(month__in=months):
            existing[(target.month, target.salesperson_id, target.sales_group_id)] = target
    seen = {}
    for row in good:
        data = row.data
        key = (data["month"], getattr(data["salesperson"], "pk", None), getattr(data["sales_group"], "pk", None))
        if key in seen:
            row.status = "bad"
            row.reason = _("Row %(row)s already sets this target.") % {"row": seen[key]}
            continue
        seen[key] = row.number
        current = existing.get(key)
        if current is not None and (current.amount, current.new_customers, current.followups) == (
                data["amount"], data["new_customers"], data["followups"]):
            row.status, row.reason = "same", _("Already there: this target is set to these figures.")
        elif current is not None:
            row.reason = _("Replaces the target of %(amount)s CNY.") % {"amount": f"{current.amount:,.2f}"}
    return Checked(headers=list(table.headers), columns=columns, rows=rows)


def import_targets(*, open_file, columns: list, by, name: str = "") -> Checked:
    """Check the file and set its targets in one transaction; any refused row refuses the file."""
    with transaction.atomic():
        checked = check_targets(table=open_file(), columns=columns, by=by)
        if checked.bad:
            raise ImportRejected(checked)
        new = [row for row in checked.rows if row.status == "new"]
        for row in new:
            data = row.data
            try:
                targets.target_set(by=by, month=data["month"], amount=data["amount"],
                                   new_customers=data["new_customers"], followups=data["followups"],
                                   salesperson=data["salesperson"], sales_group=data["sales_group"])
            except (ValidationError, targets.TargetChanged) as error:  # checked above; a concurrent save
                row.status = "bad"
                row.reason = " ".join(getattr(error, "messages", [])) or _("Someone set this target meanwhile.")
                transaction.set_rollback(True)
                raise ImportRejected(checked) from error
        audit.record(actor=by, action="targets.import", summary=f"{len(new)} targets ({name[:100]})", count=len(new))
    return checked
