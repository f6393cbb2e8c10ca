"""The deals and payments imports (issue 22), checked and written like the contacts import
(transfers.contact_import: the same preview, columns, all-or-nothing transaction).

Deals: the customer by its number, among those the importer may change (a deal's salesperson is
its customer's owner, as when opened by hand); the stage by its name in either language; won
rows need the signed amount and date; amounts 0..10^12 with two decimals; dates between
2000-01-01 and ten years ahead (a signing date not after today). A row with the title of a deal
the customer already has (compared without case) is "already there": a re-run adds nothing.

Payments: against a won deal the importer sees, by its number (the deals export's first column);
amounts above zero with two decimals; received between 2000-01-01 and today. More than the
deal's outstanding balance (earlier rows of the file counted) is refused unless the row's
"prepayment" column says yes. A row identical to a payment the deal has (same date, amount and
method) is "already there".
"""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from deals import policies as deal_policies
from deals import services as deal_services
from deals.forms import amount_field
from deals.models import Deal, LostReason, Payment, Stage
from transfers import policies
from transfers.columns import LenientDateWidget, quoted, shown, unneutralise
from transfers.contact_import import NO, YES, Checked, CheckedRow, ContactColumn

Column = ContactColumn
EARLIEST = date(2000, 1, 1)

DEAL_COLUMNS = [
    Column("customer_number", gettext_lazy("Customer number"), "客户编号", ("编号", "客户号", "customer no"), 30),
    Column("title", gettext_lazy("Title"), "商机名称", ("标题", "名称", "商机", "deal", "deal title"), 200),
    Column("amount", gettext_lazy("Amount (CNY)"), "金额", ("金额（元）", "预计金额", "amount"), 30),
    Column("stage", gettext_lazy("Stage"), "阶段", ("销售阶段", "stage"), 50),
    Column("probability", gettext_lazy("Probability (%)"), "赢率", ("概率", "赢单率", "probability"), 10),
    Column("expected_close_on", gettext_lazy("Expected close date"), "预计成交日期", ("预计成交", "close date"), 30),
    Column("won_amount", gettext_lazy("Signed amount (CNY)"), "签约金额", ("成交金额", "signed amount"), 30),
    Column("won_on", gettext_lazy("Signed on"), "签约日期", ("成交日期", "signed date"), 30),
    Column("lost_reason", gettext_lazy("Lost reason"), "输单原因", ("lost reason",), 50),
    Column("notes", gettext_lazy("Notes"), "备注", ("说明", "note", "notes"), 2000),
]
PAYMENT_COLUMNS = [
    Column("deal_number", gettext_lazy("Deal number"), "商机编号", ("deal no", "deal id"), 20),
    Column("received_on", gettext_lazy("Received on"), "回款日期", ("收款日期", "到账日期", "date"), 30),
    Column("amount", gettext_lazy("Amount (CNY)"), "回款金额", ("金额", "金额（元）", "amount"), 30),
    Column("method", gettext_lazy("Method"), "方式", ("付款方式", "收款方式", "method"), 30),
    Column("note", gettext_lazy("Note"), "备注", ("说明", "notes", "note"), 200),
    Column("prepayment", gettext_lazy("Prepayment"), "预付款", ("预收", "prepaid", "beyond balance"), 10),
]


class ImportRejected(Exception):
    def __init__(self, checked):
        super().__init__("rejected")
        self.checked = checked


def _cells(row, raw, known) -> dict:
    data = {}
    for column in known:
        value = unneutralise(raw.get(column.field))
        value = "" if value is None else value
        if isinstance(value, str):
            value = value.strip()
            if len(value) > column.max_length:
                raise ValueError(_("%(column)s: at most %(limit)s characters.")
                                 % {"column": column.label, "limit": column.max_length})
            if "\x00" in value:
                raise ValueError(_("%(column)s: null characters are not allowed.") % {"column": column.label})
        data[column.field] = value
    return data


def _amount(value, label, *, required=True, positive=False):
    if value in ("", None):
        if required:
            raise ValueError(_("%(column)s is missing.") % {"column": label})
        return None
    try:
        return amount_field(label, positive=positive).clean(str(value).replace(",", "").replace("，", ""))
    except forms.ValidationError as error:
        raise ValueError(f"{label}: {error.messages[0]}") from None


def _day(value, label, *, latest):
    if value in ("", None):
        return None
    day = LenientDateWidget().clean(value)
    if not (EARLIEST <= day <= latest):
        raise ValueError(_("%(column)s must be between %(first)s and %(last)s.")
                         % {"column": label, "first": EARLIEST.isoformat(), "last": latest.isoformat()})
    return day


def _named(model) -> dict:
    lookup = {}
    for item in model.objects.filter(active=True):
        for name in (item.name_zh, item.name_en):
            if name:
                lookup.setdefault(name.strip().lower(), item)
    return lookup


def _rows(table, columns, known, clean) -> list:
    mapping = {name: index for index, name in enumerate(columns) if name}
    required = [column.field for column in known[:2]]
    rows = []
    for number, cells in table.rows:
        raw = {name: (cells[index] if index < len(cells) else None) for name, index in mapping.items()}
        row = CheckedRow(number=number, cells=[shown(cells[index] if index < len(cells) else None)
                                                for index in range(len(columns))])
        try:
            if any(name not in mapping for name in required):
                raise ValueError(_("Choose the columns holding %(first)s and %(second)s.")
                                 % {"first": known[0].label, "second": known[1].label})
            row.data = clean(_cells(row, raw, known))
        except ValueError as error:
            row.status, row.reason = "bad", str(error)
        rows.append(row)
    return rows


# --- Deals ------------------------------------------------------------------------------------------


def check_deals(*, table, columns: list, by) -> Checked:
    stages, reasons = _named(Stage), _named(LostReason)
    today = timezone.localdate()

    def clean(data):
        label = {column.field: column.label for column in DEAL_COLUMNS}
        if not data["title"]:
            raise ValueError(_("%(column)s is missing.") % {"column": label["title"]})
        stage = stages.get(str(data["stage"]).lower()) if data["stage"] else Stage.objects.filter(
            active=True, kind=Stage.Kind.OPEN).order_by("order", "id").first()
        if stage is None:
            offered = ", ".join(sorted({item.name for item in stages.values()}))
            raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": quoted(data["stage"]),
                                                                            "choices": offered})
        data["amount"] = _amount(data["amount"], label["amount"])
        data["expected_close_on"] = _day(data["expected_close_on"], label["expected_close_on"],
                                         latest=today + timedelta(days=3653))
        probability = str(data["probability"]).rstrip("%").strip()
        if probability and not (probability.isdigit() and 0 <= int(probability) <= 100):
            raise ValueError(_("%(column)s must be a whole number from 0 to 100.") % {"column": label["probability"]})
        data["probability"] = int(probability) if probability else stage.probability
        data["won_amount"] = _amount(data["won_amount"], label["won_amount"], required=False)
        data["won_on"] = _day(data["won_on"], label["won_on"], latest=today)
        data["lost_reason"] = reasons.get(str(data["lost_reason"]).lower()) if data["lost_reason"] else None
        if stage.kind == Stage.Kind.WON:
            if data["won_amount"] is None or data["won_on"] is None:
                raise ValueError(_("A won deal needs its signed amount and the date it was signed."))
            data["probability"] = stage.probability
        else:
            data["won_amount"] = data["won_on"] = None
        if stage.kind == Stage.Kind.LOST and data["lost_reason"] is None:
            offered = ", ".join(sorted({item.name for item in reasons.values()}))
            raise ValueError(_("A lost deal needs its reason, one of: %(choices)s.") % {"choices": offered})
        data["stage"] = stage
        return data

    rows = _rows(table, columns, DEAL_COLUMNS, clean)
    good = [row for row in rows if row.status == "new"]
    customers = {customer.number: customer for customer in policies.contact_import_customers(by).filter(
        number__in={row.data["customer_number"] for row in good}).only("pk", "number", "owner_id")}
    titles = set()
    if customers:
        titles = {(customer_id, title.lower()) for customer_id, title in
                  Deal.objects.filter(customer__in=list(customers.values())).values_list("customer_id", "title")}
    for row in good:
        customer = customers.get(row.data["customer_number"])
        if customer is None:
            row.status = "bad"
            row.reason = _("No customer you may change has the number “%(number)s”.") % {
                "number": quoted(row.data["customer_number"])}
            continue
        row.customer_id, row.data["owner_id"] = customer.pk, customer.owner_id
        key = (customer.pk, row.data["title"].lower())
        if key in titles:
            row.status, row.reason = "same", _("Already there: this customer has a deal with this title.")
        titles.add(key)
    return Checked(headers=list(table.headers), columns=columns, rows=rows)


def import_deals(*, open_file, columns: list, by, name: str = "") -> Checked:
    with transaction.atomic():
        checked = check_deals(table=open_file(), columns=columns, by=by)
        if checked.bad:
            raise ImportRejected(checked)
        new = [(row.customer_id, row.data) for row in checked.rows if row.status == "new"]
        deal_services.deals_import(rows=new, by=by)
        audit.record(actor=by, action="deals.import", summary=f"{len(new)} deals ({name[:100]})", count=len(new))
    return checked


# --- Payments -----------------------------------------------------------------------------------------


def _method_lookup() -> dict:
    lookup = {}
    for value, label in Payment.Method.choices:
        lookup[value] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    lookup.update({"转账": "transfer", "银行转账": "transfer", "现金": "cash", "支票": "cheque", "支付宝": "alipay",
                   "微信": "wechat", "其他": "other"})
    return lookup


def check_payments(*, table, columns: list, by) -> Checked:
    methods = _method_lookup()
    today = timezone.localdate()
    label = {column.field: column.label for column in PAYMENT_COLUMNS}

    def clean(data):
        if not str(data["deal_number"]).isdigit():
            raise ValueError(_("No won deal you may see has the number “%(number)s”.") % {
                "number": quoted(data["deal_number"])})
        data["deal_number"] = int(data["deal_number"])
        data["received_on"] = _day(data["received_on"], label["received_on"], latest=today)
        if data["received_on"] is None:
            raise ValueError(_("%(column)s is missing.") % {"column": label["received_on"]})
        data["amount"] = _amount(data["amount"], label["amount"], positive=True)
        method = str(data["method"]).lower()
        if method and method not in methods:
            offered = ", ".join(str(item) for _value, item in Payment.Method.choices)
            raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": quoted(data["method"]),
                                                                            "choices": offered})
        data["method"] = methods.get(method, Payment.Method.TRANSFER)
        prepayment = str(data["prepayment"]).lower()
        if prepayment not in YES | NO:
            raise ValueError(_("%(column)s: write 是 or 否 (yes or no).") % {"column": label["prepayment"]})
        data["prepayment"] = prepayment in YES
        return data

    rows = _rows(table, columns, PAYMENT_COLUMNS, clean)
    good = [row for row in rows if row.status == "new"]
    numbers = {row.data["deal_number"] for row in good if row.data["deal_number"] <= 2**62}
    deals = deal_policies.visible_deals(by).filter(pk__in=numbers, stage__kind=Stage.Kind.WON).in_bulk() \
        if numbers else {}
    received = dict(Payment.objects.filter(deal_id__in=deals).values("deal_id").annotate(s=Sum("amount"))
                    .values_list("deal_id", "s")) if deals else {}
    existing = set(Payment.objects.filter(deal_id__in=deals).values_list("deal_id", "received_on", "amount", "method")) \
        if deals else set()
    for row in good:
        deal = deals.get(row.data["deal_number"])
        if deal is None:
            row.status = "bad"
            row.reason = _("No won deal you may see has the number “%(number)s”.") % {"number": row.data["deal_number"]}
            continue
        row.customer_id = deal.customer_id
        key = (deal.pk, row.data["received_on"], row.data["amount"], row.data["method"])
        if key in existing:
            row.status, row.reason = "same", _("Already there: this deal has this payment.")
            continue
        existing.add(key)
        outstanding = (deal.won_amount or Decimal("0")) - received.get(deal.pk, Decimal("0"))
        if row.data["amount"] > outstanding and not row.data["prepayment"]:
            row.status = "bad"
            row.reason = _("This payment is more than the outstanding %(balance)s CNY: mark it as a prepayment "
                           "to keep it.") % {"balance": f"{max(outstanding, Decimal('0')):,.2f}"}
            continue
        received[deal.pk] = received.get(deal.pk, Decimal("0")) + row.data["amount"]
    return Checked(headers=list(table.headers), columns=columns, rows=rows)


def import_payments(*, open_file, columns: list, by, name: str = "") -> Checked:
    with transaction.atomic():
        checked = check_payments(table=open_file(), columns=columns, by=by)
        # The deals' rows locked, then checked again: a payment recorded by hand meanwhile counts.
        ids = sorted({row.data["deal_number"] for row in checked.rows if row.status == "new"})
        if ids:
            list(Deal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
            checked = check_payments(table=open_file(), columns=columns, by=by)
        if checked.bad:
            raise ImportRejected(checked)
        new = [row.data for row in checked.rows if row.status == "new"]
        deal_services.payments_import(rows=new, by=by)
        audit.record(actor=by, action="payments.import", summary=f"{len(new)} payments ({name[:100]})",
                     count=len(new))
    return checked
