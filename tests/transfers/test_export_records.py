"""Exports of contacts, deals and payments (issues 22, 25): each role gets exactly what its
pages show, the list's filters apply, formulae are neutralised, every export is audited."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEvent
from contacts import services as contact_services
from deals import services as deal_services
from tests.deals.conftest import default_stages  # noqa: F401
from tests.deals.deals_helpers import make_deal, win
from tests.transfers.importexport_helpers import body, export, private_files, read_xlsx  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(kind):
    return reverse("transfers:record-export", args=[kind])


@pytest.fixture
def contacts(cast, customers):
    for customer, name in [(customers.own, "=HYPERLINK(1)"), (customers.same_group, "王经理"),
                           (customers.other_group, "李会计")]:
        contact_services.contact_add(customer=customer, data={"name": name, "mobile": "", "is_primary": True},
                                     by=customer.owner)


@pytest.mark.parametrize("who, expected", [
    ("sales1", {"'=HYPERLINK(1)"}), ("sup1", {"'=HYPERLINK(1)", "王经理"}),
    ("admin", {"'=HYPERLINK(1)", "王经理", "李会计"}), ("sales2", {"李会计"}),
])
def test_each_role_exports_the_contacts_of_customers_they_see(cast, client_for, contacts, who, expected):
    rows = read_xlsx(body(export(client_for(getattr(cast, who)), _url("contacts"))))
    assert {row[2] for row in rows[1:]} == expected


def test_the_contact_export_has_one_row_per_contact_with_the_customers_number_and_follows_the_filters(
        cast, client_for, customers, contacts):
    contact_services.contact_add(customer=customers.own, data={"name": "第二位", "mobile": "13811112222"}, by=cast.sales1)
    rows = read_xlsx(body(export(client_for(cast.sup1), _url("contacts"), {"q": "李华"})))
    assert rows[0][:3] == ["Customer number", "Customer", "Contact name"]
    assert sorted(row[2] for row in rows[1:]) == ["'=HYPERLINK(1)", "第二位"]
    assert {(row[0], row[1]) for row in rows[1:]} == {(customers.own.number, "李华")}
    assert AuditEvent.objects.filter(action="contacts.export").get().count == 2


def test_the_contact_export_page_counts_and_writes_nothing_on_get(cast, client_for, contacts):
    response = client_for(cast.sales1).get(_url("contacts"))
    assert response.status_code == 200 and response.context["count"] == 1
    assert not AuditEvent.objects.filter(action="contacts.export").exists()


def test_an_unknown_export_kind_is_a_404(cast, client_for):
    assert client_for(cast.admin).get(_url("customers-secret")).status_code == 404


@pytest.fixture
def deals(cast, customers):
    own = make_deal(customer=customers.own, title="+SUM(A1)", amount="1200.50")
    make_deal(customer=customers.same_group, title="王芳的单")
    other = make_deal(customer=customers.other_group, title="李四海的单")
    win(own, amount="1000.00")
    win(other, amount="500.00")
    deal_services.payment_add(deal=own, received_on=timezone.localdate(), amount=Decimal("300.00"), method="cash", note="@note",
                              by=cast.sales1)
    deal_services.payment_add(deal=other, received_on=timezone.localdate(), amount=Decimal("50.00"), method="cash",
                              by=cast.sales2)
    return own


@pytest.mark.parametrize("who, expected", [
    ("sales1", {"'+SUM(A1)"}), ("sup1", {"'+SUM(A1)", "王芳的单"}),
    ("admin", {"'+SUM(A1)", "王芳的单", "李四海的单"}),
])
def test_each_role_exports_the_deals_they_see(cast, client_for, deals, who, expected):
    rows = read_xlsx(body(export(client_for(getattr(cast, who)), _url("deals"))))
    assert {row[1] for row in rows[1:]} == expected


def test_the_deal_export_has_stage_amounts_owner_and_customer_number_and_follows_the_filters(
        cast, client_for, customers, deals):
    with translation.override("zh-hans"):
        rows = read_xlsx(body(export(client_for(cast.admin), _url("deals"), {"state": "won"}, HTTP_ACCEPT_LANGUAGE="zh-hans")))
    assert [row[1] for row in rows[1:]] == ["李四海的单", "'+SUM(A1)"]
    own = rows[2]
    assert own[0] == str(deals.pk) and own[2] == customers.own.number and own[4] == "张三"
    assert own[5] == "赢单" and own[6] == "1200.50" and own[9] == "1000.00"


@pytest.mark.parametrize("who, expected", [("sales1", {"'@note"}), ("sales2", {None}), ("admin", {"'@note", None})])
def test_each_role_exports_the_payments_of_deals_they_see(cast, client_for, deals, who, expected):
    rows = read_xlsx(body(export(client_for(getattr(cast, who)), _url("payments"))))
    assert {row[8] for row in rows[1:]} == expected
    if who == "sales1":
        assert rows[1][0] == str(deals.pk) and rows[1][6] == "300.00"


@pytest.fixture
def targets(cast):
    from deals.targets import target_set

    month = timezone.localdate().replace(day=1)
    target_set(by=cast.admin, month=month, amount=Decimal("5000"), salesperson=cast.sales1)
    target_set(by=cast.admin, month=month, amount=Decimal("7000"), salesperson=cast.sales2)
    target_set(by=cast.admin, month=month, amount=Decimal("9"), sales_group=cast.sales1.sales_group)


@pytest.mark.parametrize("who, expected", [("admin", {"5000.00", "7000.00", "9.00"}), ("sup1", {"5000.00", "9.00"})])
def test_targets_export_holds_the_targets_one_may_set(cast, client_for, targets, who, expected):
    rows = read_xlsx(body(export(client_for(getattr(cast, who)), _url("targets"))))
    assert {row[3] for row in rows[1:]} == expected


def test_a_salesperson_cannot_export_targets(cast, client_for, targets):
    assert export(client_for(cast.sales1), _url("targets")).status_code == 404


def test_no_export_leaks_another_groups_records_whatever_the_filters_say(cast, client_for, customers, deals, contacts):
    """sales2's customer, contact, deal and payment carry a marker; sales1 and sup1 export every
    kind with filters naming sales2, their group and their records: the marker never appears."""
    mark = "Zq7LEAKxW"
    contact_services.contact_add(customer=customers.other_group, data={"name": f"人{mark}", "mobile": ""}, by=cast.sales2)
    make_deal(customer=customers.other_group, title=f"单{mark}")
    filters = {"owner": cast.sales2.pk, "group": cast.sales2.sales_group_id, "q": "李四海", "state": ""}
    for who in (cast.sales1, cast.sup1):
        client = client_for(who)
        for kind in ("contacts", "deals", "payments", "targets"):
            for fmt in ("csv", "xlsx"):
                response = export(client, _url(kind), {**filters, "format": fmt})
                if response.status_code == 404:
                    continue
                content = body(response)
                text = content.decode("utf-8", "ignore") if fmt == "csv" else "".join(
                    "\t".join(str(cell) for cell in row) for row in read_xlsx(content))
                assert mark not in text and "李四海" not in text, (who, kind, fmt)
