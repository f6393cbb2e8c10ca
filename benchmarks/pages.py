"""What `manage.py bench` measures: the key pages of each role, as that role reaches them."""

from common.pagination import Keyset
from contacts.models import Contact
from crm.models import Customer
from crm.policies import visible_customers
from reports.policies import may_see_reports
from crm.filters import customer_list
from crm.selectors import QUERY_VIEWS
from customfields.lists import list_columns

ROLES = {"salesperson": "sales1", "supervisor": "sup1", "admin": "admin"}


def pages(user):
    """(name, url) of every page measured for `user`. Later issues add theirs."""
    listing = "/customers/"
    result = [("customers", listing)]
    result += [(f"customers:{view.key}", f"{listing}?view={view.key}") for view in QUERY_VIEWS]
    result += [
        ("search:1 CJK 李", f"{listing}?q=李"),
        ("search:2 CJK 王芳", f"{listing}?q=王芳"),
        ("search:3+ CJK 科技有限", f"{listing}?q=科技有限"),
        ("search:digits 138", f"{listing}?q=138"),
        ("search:name only 李", f"{listing}?q=李&fields=name"),
        ("search:李 page 50", _deep_page(user, listing, "李", 50)),
    ]
    result += _contact_searches(user, listing)
    result += _custom_field_pages(user, listing)
    own = Customer.objects.filter(owner=user).order_by("-id").values_list("pk", flat=True)
    sample = own.first() or visible_customers(user).order_by("-id").values_list("pk", flat=True).first()
    if sample:
        result.append(("customer detail", f"/customers/{sample}/"))
    result += [(f"followups:{key or 'all'}", f"/followups/?window={key}") for key in ("", "today", "3days", "week", "month")]
    result.append(("followups:last 2 hours", "/followups/?window=custom&last_n=2&last_unit=hours"))
    result += [
        ("plans:this week", "/plans/"),
        ("plans:today", "/plans/?when=today"),
        ("plans:month overdue", "/plans/?when=month&status=overdue"),
        ("plans:any time done", "/plans/?when=any&status=done"),
        ("board", "/board/posts/"),
    ]
    result += [("complaints", "/complaints/"), ("complaints:overdue", "/complaints/?overdue=on"),
               ("complaints:open high", "/complaints/?state=open&severity=high")]
    result.append(("home", "/"))
    result += [  # issue 22: key accounts, targets and the forecast
        ("customers:class A", f"{listing}?revenue_class=A"),
        ("targets:month", "/deals/targets/"),
        ("targets:year", "/deals/targets/?period=year"),
        ("forecast", "/deals/forecast/"),
    ]
    result += [(f"pool:{key or 'all'}", f"/pool/?window={key}") for key in ("", "day", "3days", "week", "month", "year")]
    result += [("pool:search 李", "/pool/?q=李"), ("pool:vip", "/pool/?grade=vip")]
    if may_see_reports(user):  # supervisors and admins (issue 11)
        result += [(f"report:{key}", f"/reports/{key}/") for key in ("funnel", "activity", "pool", "retention", "customers", "complaints")]
        result.append(("report:complaints 365d", "/reports/complaints/?days=365"))
        result += [("report:activity 90d", "/reports/activity/?days=90"), ("report:retention 365d", "/reports/retention/?days=365")]
    return result


def _deep_page(user, listing, q, number, per_page=10):
    """Page `number` of a search as a user reaches it: by Next links, which carry a cursor."""
    rows = customer_list(user, {"q": q})
    last_row_before = rows[(number - 1) * per_page - 1 : (number - 1) * per_page].first()
    if last_row_before is None:
        return f"{listing}?q={q}&page={number}"
    return f"{listing}?q={q}&page={number}&after={Keyset(rows).cursor(last_row_before)}"


def _contact_searches(user, listing):
    """Issue 25: the search box finds a customer by a contact's name or mobile (one of a contact
    of the person's own customers, else of any, as a salesperson would type it)."""
    contacts = Contact.objects.filter(removed_at__isnull=True).order_by("-id")
    contact = contacts.filter(customer__owner=user).first() or contacts.first()
    if contact is None:
        return []
    return [
        (f"search:contact name {contact.name}", f"{listing}?q={contact.name}"),
        (f"search:contact mobile {contact.normalized_mobile}", f"{listing}?q={contact.normalized_mobile}"),
        ("search:contact mobile 4 last digits+", f"{listing}?q={contact.normalized_mobile[-6:]}"),
    ]


def _custom_field_pages(user, listing):
    """Issue 23: the list with the company's own columns (the demo has five) and a filter on one,
    and the search box through the searchable ones (a 1-character CJK term, a choice's label, a
    WeChat ID of one of the person's customers, as they would type it)."""
    columns = list_columns(user)
    if not columns:
        return []
    pages_ = [(f"custom:{len(columns)} columns", listing)]
    keys = {d.key for d in columns}
    if "level_note" in keys:
        pages_.append((f"custom:{len(columns)} cols + choice filter", f"{listing}?cf_level_note=focus"))
    if "budget" in keys:
        pages_.append((f"custom:{len(columns)} cols + money ≥ 500000", f"{listing}?cf_budget_min=500000"))
    pages_ += [("custom:search 1 CJK 李", f"{listing}?q=李"), ("custom:search 1 CJK 重", f"{listing}?q=重")]
    holder = visible_customers(user).filter(custom__has_key="wechat").order_by("-id").first()
    if holder is not None:
        wechat = holder.custom["wechat"]
        pages_ += [("custom:search wechat", f"{listing}?q={wechat}"),
                   ("custom:search wechat in its field", f"{listing}?q={wechat}&fields=cf_wechat")]
    return pages_
