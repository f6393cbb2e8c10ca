"""Authorization rows for deals (issue 22).

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A):
  own         a deal of sales1 (and sales1's customer, to open one on)
  same_group  a deal of sales1b (Group A)
  other_group a deal of sales2 (Group B)
  pool        an open deal of a customer in the pool (owner NULL): the admin's alone
Each relation has an open deal (`world.deals`) and a won one (`world.won_deals`), because
instalments and payments are recorded on won deals only.
"""

from django.utils import timezone

from deals import defaults
from deals.models import Deal, LostReason, Stage
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, staff
from tests.deals.deals_helpers import make_deal, stage, win
from tests.factories import CustomerFactory

OWNERS = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": None}


def build(world):
    defaults.install(Stage, LostReason)  # a transactional test may have emptied the tables
    cast = world.cast
    world.deal_customers, world.deals, world.won_deals = {}, {}, {}
    for relation, name in OWNERS.items():
        owner = getattr(cast, name) if name else cast.sales1
        customer = CustomerFactory(name=f"deal matrix {relation}", owner=owner, created_by=cast.sales1)
        world.deals[relation] = make_deal(customer=customer, title=f"open {relation}")
        world.won_deals[relation] = win(make_deal(customer=customer, title=f"won {relation}"), amount="5000.00")
        if name is None:  # to the pool: the open deal follows (owner NULL), the won one stays
            customer.owner = None
            customer.save(update_fields=["owner"])
            Deal.objects.filter(pk=world.deals[relation].pk).update(owner=None)
        world.deal_customers[relation] = customer
    world.stage = Stage.objects.order_by("id").first()


def open_deal(world, relation):
    return {"pk": world.deals[relation or "own"].pk}


def won_deal(world, relation):
    return {"pk": world.won_deals[relation or "own"].pk}


def customer(world, relation):
    return {"customer_pk": world.deal_customers[relation or "own"].pk}


def deal_form(world=None, relation=None):
    return {"title": "新商机", "amount": "12000.50", "stage": stage().pk, "probability": "",
            "expected_close_on": timezone.localdate().isoformat(), "source": "self", "notes": ""}


def move_form(world, relation):
    deal = world.deals[relation or "own"]
    return {"stage": stage(position=1).pk, "seen_stage": deal.stage_id}


def money_form(world=None, relation=None):
    day = timezone.localdate().isoformat()
    return {"due_on": day, "received_on": day, "amount": "100.00", "method": "transfer", "note": ""}


def stage_setting_form(world=None, relation=None):
    return {"name_zh": "签约", "name_en": "Signing", "order": "45", "probability": "90", "kind": "open",
            "active": "on"}


def reason_form(world=None, relation=None):
    return {"name_zh": "时机不对", "name_en": "Bad timing", "order": "70", "active": "on"}


def first_stage(world, relation):
    return {"pk": world.stage.pk}


def first_reason(world, relation):
    return {"pk": LostReason.objects.order_by("id").first().pk}


def on_deal(outcome):
    """Who sees a deal: sales1 their own, sup1 Group A's, the admin every deal (the pool's too)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=NOT_FOUND),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=outcome),
        "backup": NOT_FOUND,
    }


def on_customer(outcome):
    """Opening a deal: on a customer one may change; a pool customer is seen but refused (403)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=FORBIDDEN),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=FORBIDDEN),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=FORBIDDEN),
        "backup": NOT_FOUND,
    }


def on_won_deal(outcome):
    """The pool relation's won deal stays with sales1 (won deals keep their salesperson)."""
    return {
        "anonymous": LOGIN,
        "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=outcome),
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=outcome),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=outcome),
        "backup": NOT_FOUND,
    }


def admin_only(outcome):
    return {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": outcome,
            "backup": NOT_FOUND}


def target_person(world, relation):
    """People as objects, as in tests/staff/matrix.py: own = sales1, same_group = sales1b,
    other_group = sales2, pool = the backup operator (in no group, not in sales)."""
    cast = world.cast
    return {"pk": {"own": cast.sales1, "same_group": cast.sales1b, "other_group": cast.sales2,
                   "pool": cast.backup}[relation].pk}


def target_group(world, relation):
    return {"pk": (world.cast.group1 if relation in ("own", "same_group") else world.cast.group2).pk}


def target_form(world=None, relation=None):
    return {"month": timezone.localdate().strftime("%Y-%m"), "amount": "50000", "new_customers": "10",
            "followups": "", "version": ""}


def target_setters(outcome):
    """Admins set everyone's target, a supervisor their groups' people and groups; others nothing."""
    return {
        "anonymous": LOGIN,
        "salesperson": NOT_FOUND,
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=NOT_FOUND),
        "admin": by_relation(own=outcome, same_group=outcome, other_group=outcome, pool=NOT_FOUND),
        "backup": NOT_FOUND,
    }


def group_target_setters(outcome):
    return {
        "anonymous": LOGIN,
        "salesperson": NOT_FOUND,
        "supervisor": by_relation(own=outcome, same_group=outcome, other_group=NOT_FOUND, pool=NOT_FOUND),
        "admin": outcome,
        "backup": NOT_FOUND,
    }


EVERYWHERE_NOT_ALLOWED = by_relation(own=NOT_ALLOWED, same_group=NOT_ALLOWED, other_group=NOT_ALLOWED,
                                     pool=NOT_ALLOWED)

ROWS = [
    Row("deals:deal-list", "GET", staff(OK)),
    Row("deals:deal-list", "POST", staff(NOT_ALLOWED)),
    Row("deals:deal-board", "GET", staff(OK)),
    Row("deals:receivable-list", "GET", staff(OK)),
    Row("deals:deal-create", "GET", on_customer(OK), kwargs=customer),
    Row("deals:deal-create", "POST", on_customer(REDIRECT), kwargs=customer, data=deal_form),
    Row("deals:deal-detail", "GET", on_deal(OK), kwargs=open_deal),
    Row("deals:deal-detail", "POST", staff(EVERYWHERE_NOT_ALLOWED), kwargs=open_deal),
    Row("deals:deal-edit", "GET", on_deal(OK), kwargs=open_deal),
    Row("deals:deal-edit", "POST", on_deal(REDIRECT), kwargs=open_deal, data=deal_form),
    Row("deals:deal-stage", "GET", on_deal(OK), kwargs=open_deal),
    Row("deals:deal-stage", "POST", on_deal(REDIRECT), kwargs=open_deal, data=move_form),
    Row("deals:instalment-create", "GET", on_won_deal(OK), kwargs=won_deal),
    Row("deals:instalment-create", "POST", on_won_deal(REDIRECT), kwargs=won_deal, data=money_form),
    Row("deals:instalment-create", "GET", on_deal(FORBIDDEN), kwargs=open_deal),
    Row("deals:payment-create", "GET", on_won_deal(OK), kwargs=won_deal),
    Row("deals:payment-create", "POST", on_won_deal(REDIRECT), kwargs=won_deal, data=money_form),
    Row("deals:payment-create", "POST", on_deal(FORBIDDEN), kwargs=open_deal, data=money_form),
    Row("deals:stage-list", "GET", admin_only(OK)),
    Row("deals:stage-create", "GET", admin_only(OK)),
    Row("deals:stage-create", "POST", admin_only(REDIRECT), data=stage_setting_form),
    Row("deals:stage-edit", "GET", admin_only(OK), kwargs=first_stage),
    Row("deals:stage-edit", "POST", admin_only(REDIRECT), kwargs=first_stage, data=stage_setting_form),
    Row("deals:reason-create", "GET", admin_only(OK)),
    Row("deals:reason-create", "POST", admin_only(REDIRECT), data=reason_form),
    Row("deals:reason-edit", "GET", admin_only(OK), kwargs=first_reason),
    Row("deals:reason-edit", "POST", admin_only(REDIRECT), kwargs=first_reason, data=reason_form),
    Row("deals:settings-edit", "GET", admin_only(OK)),
    Row("deals:settings-edit", "POST", admin_only(REDIRECT), data={"a_class_becomes_vip": "on"}),
    Row("deals:target-list", "GET", staff(OK)),
    Row("deals:target-list", "POST", staff(NOT_ALLOWED)),
    Row("deals:target-person", "GET", target_setters(OK), kwargs=target_person),
    Row("deals:target-person", "POST", target_setters(REDIRECT), kwargs=target_person, data=target_form),
    Row("deals:target-group", "GET", group_target_setters(OK), kwargs=target_group),
    Row("deals:target-group", "POST", group_target_setters(REDIRECT), kwargs=target_group, data=target_form),
    Row("deals:forecast", "GET", staff(OK)),
    Row("deals:forecast", "POST", staff(NOT_ALLOWED)),
]
