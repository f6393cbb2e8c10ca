"""Authorization rows for attachments (issue 25): a file is exactly as visible as its record.

Relations, seen from sales1 (salesperson) and sup1 (supervisor of Group A): own = sales1's
customer, same_group = sales1b's, other_group = sales2's, pool = a customer in the pool. Each has
a follow-up (the pool's written by sales2 before giving it up), a deal (the pool's open deal
followed it: owner NULL, the admin's alone) and a complaint (the pool's logged before it went
back: the admin's alone), each with one file and one removed file.
"""

from deals import defaults
from deals.models import Deal, LostReason, Stage
from tests.attachments.helpers import png, records_for, stored, upload
from tests.authz import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation
from tests.complaints.helpers import log

OWNERS = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": None}
KINDS = ("customer", "followup", "deal", "complaint")


def build(world):
    defaults.install(Stage, LostReason)
    cast = world.cast
    world.attachment_records = {kind: {} for kind in KINDS}
    world.attachments = {kind: {} for kind in KINDS}
    world.removed_attachments = {kind: {} for kind in KINDS}
    for relation, name in OWNERS.items():
        owner = getattr(cast, name) if name else cast.sales2
        customer, followup, deal = records_for(owner, name=f"attachment matrix {relation}")
        complaint = log(customer=customer)
        if name is None:
            customer.owner = None
            customer.save(update_fields=["owner"])
            Deal.objects.filter(pk=deal.pk).update(owner=None)
        for kind, record in zip(KINDS, (customer, followup, deal, complaint)):
            world.attachment_records[kind][relation] = record
            world.attachments[kind][relation] = stored(kind, record, name=f"{kind}-{relation}.png")
            world.removed_attachments[kind][relation] = stored(kind, record, name=f"gone-{relation}.png", removed=True)


def _target(kind):
    return lambda world, relation: {"kind": kind, "pk": world.attachment_records[kind][relation or "own"].pk}


def _file(kind):
    return lambda world, relation: {"pk": world.attachments[kind][relation or "own"].pk}


def _removed(kind):
    return lambda world, relation: {"pk": world.removed_attachments[kind][relation or "own"].pk}


def _photo(world, relation):
    return {"file": upload("名片.png", png("green"), "image/png")}


def _rule(salesperson, supervisor, admin):
    return {"anonymous": LOGIN, "salesperson": by_relation(**salesperson), "supervisor": by_relation(**supervisor),
            "admin": by_relation(**admin), "backup": NOT_FOUND}


def see(kind, ok=OK):
    """Who sees the record: a customer and its follow-ups, everyone's pool; a pool deal or
    complaint, the admin."""
    pool = ok if kind not in ("deal", "complaint") else NOT_FOUND
    return _rule({"own": ok, "same_group": NOT_FOUND, "other_group": NOT_FOUND, "pool": pool},
                 {"own": ok, "same_group": ok, "other_group": NOT_FOUND, "pool": pool},
                 {"own": ok, "same_group": ok, "other_group": ok, "pool": ok})


def change(kind, ok):
    """Who attaches and removes: the record's edit rule (a pool customer: nobody; a pool
    follow-up: its author's supervisor and the admin, here the admin; a pool deal or complaint:
    the admin; a complaint: whoever sees it)."""
    pool_seen = FORBIDDEN if kind not in ("deal", "complaint") else NOT_FOUND
    admin_pool = FORBIDDEN if kind == "customer" else ok
    return _rule({"own": ok, "same_group": NOT_FOUND, "other_group": NOT_FOUND, "pool": pool_seen},
                 {"own": ok, "same_group": ok, "other_group": NOT_FOUND, "pool": pool_seen},
                 {"own": ok, "same_group": ok, "other_group": ok, "pool": admin_pool})


def admin_only(ok):
    everywhere = {"own": NOT_FOUND, "same_group": NOT_FOUND, "other_group": NOT_FOUND, "pool": NOT_FOUND}
    return _rule(everywhere, everywhere, {"own": ok, "same_group": ok, "other_group": ok, "pool": ok})


def not_allowed(kind):
    """A wrong method: 405 once the visitor passes the role check (before the record is fetched)."""
    everywhere = {"own": NOT_ALLOWED, "same_group": NOT_ALLOWED, "other_group": NOT_ALLOWED, "pool": NOT_ALLOWED}
    return _rule(everywhere, everywhere, everywhere)


ROWS = []
for _kind in KINDS:
    ROWS += [
        Row("attachments:attachment-upload", "POST", change(_kind, REDIRECT), kwargs=_target(_kind), data=_photo),
        Row("attachments:attachment-upload", "GET", not_allowed(_kind), kwargs=_target(_kind)),
        Row("attachments:attachment-download", "GET", see(_kind), kwargs=_file(_kind)),
        Row("attachments:attachment-download", "POST", not_allowed(_kind), kwargs=_file(_kind)),
        Row("attachments:attachment-preview", "GET", see(_kind), kwargs=_file(_kind)),
        Row("attachments:attachment-remove", "GET", change(_kind, OK), kwargs=_file(_kind)),
        Row("attachments:attachment-remove", "POST", change(_kind, REDIRECT), kwargs=_file(_kind)),
        Row("attachments:attachment-restore", "POST", admin_only(REDIRECT), kwargs=_removed(_kind)),
        Row("attachments:attachment-restore", "GET", admin_only(NOT_ALLOWED), kwargs=_removed(_kind)),
        # A removed file is gone for everyone until put back: no download, no preview.
        Row("attachments:attachment-download", "GET", see(_kind, NOT_FOUND), kwargs=_removed(_kind)),
    ]
