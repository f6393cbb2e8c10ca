"""Every write to customers: keyword-only, atomic; every change of owner goes through crm.ownership."""

import hashlib
import json
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts import audit
from common import bulk, locks, timewindows
from companylists import grades
from crm import custom, followup_extras, holds, ownership, policies
from crm.cadence import cadence_days, default_next_contact  # noqa: F401 - the customer services' vocabulary
from crm.duplicates import (  # noqa: F401  (撞单: the customer services' vocabulary, asked here by other apps)
    DuplicateCustomer,
    SameNameCustomer,
    _check_duplicates,
    _check_unique_custom,
    duplicate_message,
    find_duplicates,
    find_same_name,
    lock_customer_keys,
    lock_duplicate_keys,
    register_phone_holder,
)
from crm.models import (
    Custody,
    Customer,
    CustomerChange,
    CustomerUserObjectPermission,
    FollowUp,
    FollowUpRevision,
    SavedSearch,
)
from customfields import values as cf_values

log = logging.getLogger(__name__)

# Fields whose changes are recorded in CustomerChange (who changed what, when).
TRACKED_FIELDS = [
    "name", "company", "job_title", "phone", "address", "type", "notes", "industry", "source", "grade",
    "gender", "next_contact_on", "owner_id", "locked",
]


class CustomerChanged(Exception):
    """Someone saved the customer after this editor opened the form: nothing was saved."""

    def __init__(self, customer):
        super().__init__(f"customer {customer.pk} changed meanwhile")
        self.customer = customer


# What the edit form shows; a change to any of them by someone else makes an open form stale.
EDITED_FIELDS = ["custom", "name", "company", "job_title", "phone", "address", "type", "grade", "source", "industry", "gender",
                 "next_contact_on", "notes", "photo", "locked", "owner_id"]


def customer_version(customer: Customer) -> str:
    """A fingerprint of the edited fields (not of last contact: logging a call must not make a
    colleague's open edit form stale)."""
    values = "\x1f".join(str(getattr(customer, name) or "") for name in EDITED_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:32]


class FollowUpChanged(Exception):
    """Someone corrected or continued the record after this editor opened the form: nothing was saved."""

    def __init__(self, followup):
        super().__init__(f"follow-up {followup.pk} changed meanwhile")
        self.followup = followup


def followup_version(followup) -> str:
    values = "\x1f".join([followup.subject, followup.content, followup.occurred_at.isoformat(),
                          json.dumps(followup.custom or {}, sort_keys=True)])
    return hashlib.sha256(values.encode()).hexdigest()[:32]


@transaction.atomic
def customer_create(*, data: dict, owner, by, override_duplicates=False, same_name_confirmed=False) -> Customer:
    """Add a customer owned by `owner` (checked against the policy by the form); refuse duplicates,
    warn about a namesake unless `same_name_confirmed`, and refuse (ownership.Refused) an owner
    who has left since the form was shown."""
    _check_duplicates(data=data, viewer=by, override=override_duplicates, same_name_confirmed=same_name_confirmed)
    fields = dict(data)
    fields["custom"], keys = custom.checked_changes(custom.CUSTOMER, {}, data.get("custom") or {})
    _check_unique_custom(fields["custom"], keys, viewer=by, override=override_duplicates)
    if not fields.get("next_contact_on"):
        fields["next_contact_on"] = default_next_contact(fields.get("grade") or grades.default_key())
    return ownership.create(fields=fields, to=owner, by=by)


def _record_changes(customer, before: dict, *, by, custom_keys=(), custom_before=None) -> None:
    now = timezone.now()
    CustomerChange.objects.bulk_create([
        *custom.history_rows(customer, custom_before or {}, custom_keys, by=by, now=now),
        *(CustomerChange(
            customer=customer,
            field=field,
            old_value="" if before[field] is None else str(before[field]),
            new_value="" if getattr(customer, field) is None else str(getattr(customer, field)),
            by=by,
            created_at=now,
        )
        for field in TRACKED_FIELDS
        if before[field] != getattr(customer, field)),
    ])


@transaction.atomic
def customer_update(*, customer: Customer, data: dict, by, override_duplicates=False, expected_version=None,
                    same_name_confirmed=False) -> Customer:
    """Edit details; every changed field is recorded with who and when. Ownership is not changed here
    (crm.ownership is the only door for that).
    With `expected_version` (the form's customer_version), raises CustomerChanged if someone
    saved the customer since: the second of two simultaneous editors never overwrites the first.
    A namesake is asked about only when the name changes."""
    if {"owner", "owner_id"} & data.keys():
        raise ValueError("a change of owner goes through crm.ownership")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version and customer_version(customer) != expected_version:
        raise CustomerChanged(customer)
    merged = {f: data.get(f, getattr(customer, f)) for f in ("name", "company", "phone")}
    renamed = merged["name"].strip().lower() != customer.name.strip().lower()
    _check_duplicates(data=merged, viewer=by, exclude_pk=customer.pk, override=override_duplicates,
                      check_name=renamed, same_name_confirmed=same_name_confirmed)
    before = {field: getattr(customer, field) for field in TRACKED_FIELDS}
    custom_before, custom_keys = customer.custom, []
    if "custom" in data:
        data = {**data}
        data["custom"], custom_keys = custom.checked_changes(custom.CUSTOMER, custom_before, data["custom"])
        _check_unique_custom(data["custom"], custom_keys, viewer=by, exclude_pk=customer.pk, override=override_duplicates)
    for field, value in data.items():
        setattr(customer, field, value)
    customer.save()
    _record_changes(customer, before, by=by, custom_keys=custom_keys, custom_before=custom_before)
    return customer


def customer_change_type(*, customer: Customer, type: str, by) -> Customer:
    """SPEC §1.E.B: e.g. intention -> prospect as talks progress."""
    return customer_update(customer=customer, data={"type": type}, by=by, override_duplicates=True)


def customer_change_grade(*, customer: Customer, grade: str, by) -> Customer:
    """SPEC §1.E.C: normal -> VIP. The next contact date follows the new cadence when it is sooner."""
    data = {"grade": grade}
    sooner = default_next_contact(grade, after=customer.last_contact_at)
    if customer.next_contact_on is None or sooner < customer.next_contact_on:
        data["next_contact_on"] = sooner
    return customer_update(customer=customer, data=data, by=by, override_duplicates=True)


@transaction.atomic
def customer_give_up(*, customer: Customer, reason: str, by) -> Customer:
    """A salesperson's "delete" (SPEC §1.E.D): the customer goes to the isolation pool, whole
    (no longer a key customer: crm.ownership's rule). Already in the pool: nothing changes."""
    ownership.move([customer.pk], to=None, reason=Custody.Reason.GAVE_UP, by=by, note=reason)
    return Customer.objects.get(pk=customer.pk)


@transaction.atomic
def customer_delete(*, customer: Customer, by, ip=None) -> None:
    """Really delete a customer and everything recorded about it (admin only, checked by the view)."""
    photo = customer.photo.name if customer.photo else ""
    log.info("customer %s (%s) deleted by user %s", customer.pk, customer.number, by.pk)
    audit.record(actor=by, action="customers.delete", summary=f"{customer.number} {customer.name}", count=1, ip=ip,
                 customer=customer.pk)
    customer.delete()
    if photo:
        transaction.on_commit(lambda: customer.photo.storage.delete(photo))


@transaction.atomic
def customer_share(*, customer: Customer, colleague, cofollow: bool, by) -> None:
    """Grant a colleague view (or co-follow) rights on one customer."""
    for codename in policies.SHARE_CODENAMES:
        remove_perm(f"crm.{codename}", colleague, customer)
    assign_perm(f"crm.{policies.COFOLLOW_SHARE if cofollow else policies.VIEW_SHARE}", colleague, customer)


@transaction.atomic
def customer_unshare(*, customer: Customer, colleague, by) -> None:
    CustomerUserObjectPermission.objects.filter(content_object=customer, user=colleague).delete()


@transaction.atomic
def saved_search_save(
    *, owner, name: str, query: str = "", fields=(), view: str = "", type: str = "", grade: str = "",
    salesperson=None, sales_group=None, sort: str = "", per_page: int | None = None, revenue_class: str = "",
    extra=(),
) -> SavedSearch:
    """Create or replace the owner's search of that name (SPEC §1.A.17) with the text, the
    fields it looks in and every filter and view of the list. The caller has validated the
    choices against what `owner` may filter by (crm.forms.SavedSearchForm)."""
    search, _created = SavedSearch.objects.update_or_create(
        owner=owner, name=name.strip(), defaults={
            "query": query.strip(), "fields": list(fields), "view": view, "type": type, "grade": grade,
            "salesperson": salesperson, "sales_group": sales_group, "sort": sort, "per_page": per_page,
            "revenue_class": revenue_class, "extra_params": {"pairs": [list(pair) for pair in extra]},
        },
    )
    return search


class SavedSearchNameTaken(Exception):
    """Renaming a saved search to the name of another of the same person's searches."""


def saved_search_rename(*, search: SavedSearch, name: str, by) -> SavedSearch:
    """Give a saved search another name; the owner's other searches keep theirs."""
    name = name.strip()
    try:
        with transaction.atomic():
            if SavedSearch.objects.filter(owner_id=search.owner_id, name=name).exclude(pk=search.pk).exists():
                raise SavedSearchNameTaken(name)
            search.name = name
            search.save(update_fields=["name"])
    except IntegrityError:  # the same name saved from another tab meanwhile
        raise SavedSearchNameTaken(name) from None
    return search


def saved_search_delete(*, search: SavedSearch, by) -> None:
    search.delete()


# --- Follow-ups (SPEC §2) ------------------------------------------------------------------------


def _touch_last_contact(customer_id: int) -> None:
    """Last contact = the latest follow-up that remains (SPEC §2, DESIGN "Data")."""
    latest = FollowUp.objects.filter(customer_id=customer_id).aggregate(latest=Max("occurred_at"))["latest"]
    Customer.objects.filter(pk=customer_id).update(last_contact_at=latest, updated_at=timezone.now())


def _record_contact(customer: Customer, *, occurred_at, next_contact_on=None) -> None:
    """A conversation took place: the customer's last contact moves to it (if later) and the
    next contact date to the one chosen, else the grade's cadence. Logging a conversation and
    continuing a topic both come here, so the customer ends up the same either way."""
    if customer.last_contact_at is None or occurred_at > customer.last_contact_at:
        customer.last_contact_at = occurred_at
    customer.next_contact_on = next_contact_on or default_next_contact(customer.grade, after=occurred_at)
    customer.save(update_fields=["last_contact_at", "next_contact_on", "updated_at"])


@transaction.atomic
def followup_create(*, customer: Customer, subject: str, content: str, occurred_at, next_contact_on=None, by,
                    extras: dict | None = None, custom_values: dict | None = None) -> FollowUp:
    """Log a conversation; the customer's last (and next) contact date move in the same transaction,
    and so do the other apps' extras (crm.followup_extras: e.g. the deal it was about)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    followup = FollowUp(customer=customer, author=by, subject=subject, content=content, occurred_at=occurred_at)
    cf_values.write(followup, custom.FOLLOWUP, custom_values, by=by)  # validated by kind
    followup.save(force_insert=True)
    _record_contact(customer, occurred_at=occurred_at, next_contact_on=next_contact_on)
    if extras:
        followup_extras.save_all(followup, extras, by=by)
    return followup


def _keep_revision(followup: FollowUp, *, kind, by) -> None:
    FollowUpRevision.objects.create(
        followup=followup,
        kind=kind,
        previous_subject=followup.subject,
        previous_content=followup.content,
        previous_occurred_at=followup.occurred_at,
        by=by,
    )


@transaction.atomic
def followup_edit(*, followup: FollowUp, subject: str, content: str, by, expected_version=None,
                  custom_values: dict | None = None) -> FollowUp:
    """Fix a record's words (SPEC §2.5). Its time never changes here; the old text is kept.
    With `expected_version` (followup_version when the form was opened), raises FollowUpChanged
    if someone corrected or continued the record since."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if expected_version and followup_version(followup) != expected_version:
        raise FollowUpChanged(followup)
    if cf_values.write(followup, custom.FOLLOWUP, custom_values, by=by):  # kept in its own history
        followup.save(update_fields=["custom", "updated_at"])
    if (subject, content) == (followup.subject, followup.content):
        return followup
    _keep_revision(followup, kind=FollowUpRevision.Kind.EDIT, by=by)
    followup.subject, followup.content = subject, content
    followup.save(update_fields=["subject", "content", "updated_at"])
    return followup


class FollowUpTimeError(ValueError):
    pass


@transaction.atomic
def followup_continue(*, followup: FollowUp, notes: str, occurred_at, next_contact_on=None, by) -> FollowUp:
    """"Match" a record (SPEC §2.4): append today's notes and move its time to this conversation.
    The only way a record's time changes; the previous text and time are kept in its history.
    The customer's last and next contact move exactly as when logging a new conversation."""
    customer = Customer.objects.select_for_update().get(pk=followup.customer_id)  # customer first, as followup_create
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if occurred_at <= followup.occurred_at:
        raise FollowUpTimeError(_("The continued conversation must be later than the record's current time."))
    _keep_revision(followup, kind=FollowUpRevision.Kind.CONTINUE, by=by)
    stamp = timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M")
    followup.content = f"{followup.content}\n\n[{stamp}] {notes}"
    followup.occurred_at = occurred_at
    followup.save(update_fields=["content", "occurred_at", "updated_at"])
    _record_contact(customer, occurred_at=occurred_at, next_contact_on=next_contact_on)
    return followup


@transaction.atomic
def followup_delete(*, followup: FollowUp, by) -> None:
    """Delete a record no longer needed (SPEC §2.3); the last contact date is recomputed."""
    Customer.objects.select_for_update().filter(pk=followup.customer_id).first()
    customer_id = followup.customer_id
    followup.delete()
    _touch_last_contact(customer_id)


# --- Pool (SPEC §3) ------------------------------------------------------------------------------


class ClaimRefused(Exception):
    """A claim or assignment that changed nothing; `message` is safe to show to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _lock_claims_of(user) -> None:
    """Serialise one person's claims until this transaction ends, so two tabs cannot both pass
    the daily limit or the ownership cap."""
    locks.hold(f"pool-claim:{user.pk}")


def _check_fairness(*, customer, by, now) -> None:
    day_start = timewindows.local_midnight(timewindows.today(now))
    claimed_today = Custody.objects.filter(to_owner=by, reason=Custody.Reason.CLAIMED, created_at__gte=day_start).count()
    if claimed_today >= settings.POOL_DAILY_CLAIM_LIMIT:
        raise ClaimRefused(_("You have claimed %(limit)d customers today, the daily limit. Try again tomorrow.")
                           % {"limit": settings.POOL_DAILY_CLAIM_LIMIT})
    if Customer.objects.filter(owner=by).count() >= settings.POOL_MAX_OWNED:
        raise ClaimRefused(_("You already own %(cap)d customers, the most one salesperson may hold. "
                             "Give some up before claiming more.") % {"cap": settings.POOL_MAX_OWNED})
    wait = timedelta(days=settings.POOL_RECLAIM_WAIT_DAYS)
    let_go = (
        Custody.objects.filter(customer_id=customer.pk, from_owner=by, reason__in=[Custody.Reason.GAVE_UP, Custody.Reason.RECYCLED])
        .order_by("-created_at").values_list("created_at", flat=True).first()
    )
    if let_go is not None and now - let_go < wait:
        raise ClaimRefused(_("You let this customer go to the pool on %(date)s; you may claim it back from %(when)s.") % {
            "date": timezone.localtime(let_go).strftime("%Y-%m-%d"),
            "when": timezone.localtime(let_go + wait).strftime("%Y-%m-%d %H:%M"),
        })


def _take_from_pool(*, customer, owner, by, reason) -> None:
    """Through the door, only if still in the pool: nothing moves when someone else took the
    customer first, or when `owner` has left meanwhile."""
    try:
        taken = ownership.move([customer.pk], to=owner, reason=reason, by=by, from_pool=True)
    except ownership.Refused as refused:
        raise ClaimRefused(refused.message) from refused
    if not taken:
        raise ClaimRefused(_("This customer was already claimed by someone else."))


@transaction.atomic
def customer_claim(*, customer: Customer, by) -> Customer:
    """Claim a pool customer for yourself. Exactly one of any number of simultaneous claims wins;
    the others, and claims over a fairness rule, raise ClaimRefused and change nothing."""
    _lock_claims_of(by)
    _check_fairness(customer=customer, by=by, now=timezone.now())
    _take_from_pool(customer=customer, owner=by, by=by, reason=Custody.Reason.CLAIMED)
    customer.refresh_from_db()
    return customer


@transaction.atomic
def customer_assign_from_pool(*, customer: Customer, owner, by) -> Customer:
    """A supervisor or admin hands a pool customer to a salesperson (checked by the form's choices)."""
    _take_from_pool(customer=customer, owner=owner, by=by, reason=Custody.Reason.REASSIGNED)
    customer.refresh_from_db()
    return customer


def customer_set_locked(*, customer: Customer, locked: bool, by) -> Customer:
    """Mark (or unmark) a key customer: recycle_pool leaves it with its owner. Recorded as a change."""
    return customer_update(customer=customer, data={"locked": locked}, by=by, override_duplicates=True)


RECYCLE_LOCK_KEY = "crm.recycle_pool"
RECYCLE_BATCH = 20_000  # customers per transaction

# One batch: due rows of this worker's share of ids, locked (rows another transaction holds are
# left for the next run), then moved to the pool through the door with their custody rows. Moved
# rows are no longer due, so the next batch goes on from there.
_NEGLECTED_SQL = """
SELECT id, owner_id FROM crm_customer
WHERE owner_id IS NOT NULL AND NOT locked AND {grade_condition} AND COALESCE(last_contact_at, created_at) < %s
  {holds} AND id %% %s = %s
LIMIT %s FOR UPDATE SKIP LOCKED
"""

# Claimed (the latest custody row, and still with the claimer) but no contact since the claim.
# "Latest" is by id, which follows commit order (crm.ownership), never by a timestamp alone.
_PROBATION_SQL = """
SELECT c.id, c.owner_id FROM crm_custody k JOIN crm_customer c ON c.id = k.customer_id
WHERE k.reason = 'claimed' AND k.created_at < %s AND c.owner_id = k.to_owner_id AND NOT c.locked
  AND (c.last_contact_at IS NULL OR c.last_contact_at < k.created_at)
  AND NOT EXISTS (SELECT 1 FROM crm_custody later WHERE later.customer_id = k.customer_id AND later.id > k.id)
  {holds} AND c.id %% %s = %s
LIMIT %s FOR UPDATE OF c SKIP LOCKED
"""


def pool_recycle(*, now=None, workers=None) -> dict | None:
    """Return to the pool every owned customer not contacted (or, never contacted, created) for
    the grade's number of days, and every customer claimed more than POOL_CLAIM_PROBATION_HOURS
    ago without a contact since (0 turns that off), with a "recycled" custody row each, through
    crm.ownership. Key customers (`locked`) stay, and so do customers an app holds (crm.holds). `now` decides who is due; the custody rows
    carry the time of their move.

    The work goes in batches of RECYCLE_BATCH customers, each batch one transaction (a customer
    moves together with its custody row, or not at all), shared among `workers` connections
    (POOL_RECYCLE_WORKERS): the moves are CPU-bound in PostgreSQL, mostly writing gram index
    entries, so two cores move them in about half the time. A session advisory lock keeps a
    second run, on this server or another, out until this one ends. A run that moved customers
    ends by analysing the customers and custody tables (common.bulk.analyze).
    None when another run holds the lock; otherwise how many were recycled, by rule."""
    now = now or timezone.now()
    workers = max(1, workers or settings.POOL_RECYCLE_WORKERS)
    with locks.try_session(RECYCLE_LOCK_KEY) as got:
        if not got:
            return None
        done = {}
        for rule, sql, params, reason in _recycle_rules(now):
            done[rule] = sum(bulk.in_parallel(
                partial(_recycle_share, sql, params, reason=reason, of=workers), range(workers), workers=workers,
            ))
        if any(done.values()):
            bulk.analyze(Customer, Custody)  # the lists and the pool plan with the moved rows counted
        return done


def _recycle_rules(now):
    """(rule, SQL, parameters, custody note) of each recycling rule, probation first."""
    hours = settings.POOL_CLAIM_PROBATION_HOURS
    if hours > 0:
        reason = _("Not contacted within %(hours)d hours of being claimed: recycled automatically") % {"hours": hours}
        yield "probation", _PROBATION_SQL.format(holds=holds.not_held("c.id")), [now - timedelta(hours=hours)], reason
    else:
        yield "probation", None, None, ""
    # One rule per grade of the company's list (companylists.Grade, cached); the default grade's
    # rule also takes a key no longer in the list.
    listed = grades.all_grades()
    default, known = grades.default_key(), [grade.key for grade in listed]
    for grade in sorted(listed, key=lambda grade: grade.key == default):  # the catch-all default last
        condition, params = "grade = %s", [grade.key]
        if grade.key == default:
            condition, params = "(grade = %s OR NOT grade = ANY(%s))", [grade.key, known]
        reason = _("No contact for %(days)d days: recycled automatically") % {"days": grade.recycle_days}
        sql = _NEGLECTED_SQL.format(grade_condition=condition, holds=holds.not_held("crm_customer.id"))
        yield grade.key, sql, [*params, now - timedelta(days=grade.recycle_days)], reason


def _recycle_share(sql, params, share, *, reason, of) -> int:
    """Recycle, batch after batch, the due customers whose id % `of` is `share`; how many."""
    if sql is None:
        return 0
    total = 0
    while True:
        with transaction.atomic():
            moved = ownership.move(ownership.Locked(sql, [*params, of, share, RECYCLE_BATCH]), to=None,
                                   reason=Custody.Reason.RECYCLED, note=reason)
        total += len(moved)
        if len(moved) < RECYCLE_BATCH:
            return total
