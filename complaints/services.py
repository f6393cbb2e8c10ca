"""Writes of complaints: logging one, moving it through its states (each step kept), linking the
follow-ups that answered it, and the deadlines per severity. Keyword-only, in a transaction,
`by=user`; `now` is the clock (tests pass their own)."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import hooks
from complaints.models import DEFAULT_HOURS, Complaint, Deadline, Severity, State, Step

# state -> the states it may go to
MOVES = {
    State.NEW: [State.RESPONDED, State.RESOLVED],
    State.RESPONDED: [State.RESOLVED],
    State.RESOLVED: [State.CLOSED, State.REOPENED],
    State.CLOSED: [State.REOPENED],
    State.REOPENED: [State.RESOLVED],
}


def deadline_hours(severity: str) -> tuple[int, int]:
    """(response hours, resolution hours) for a severity: the admin's setting, else the default."""
    row = Deadline.objects.filter(severity=severity).first()
    return (row.response_hours, row.resolution_hours) if row else DEFAULT_HOURS[Severity(severity)]


def end_of_day(day, tz=None) -> datetime:
    """The last minute of `day` in the company's time zone: a deadline given as a date."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)), tz or timezone.get_default_timezone())


@transaction.atomic
def complaint_log(*, customer, channel, category, severity, description, resolve_by=None, files=(), by,
                  now=None) -> Complaint:
    """A new complaint on `customer`, with its deadlines from the severity's setting; a resolution
    date chosen by hand must not be in the past. The owner is told (complaints.hooks). `files`
    (photos, documents) are attached in the same transaction: one refused file saves nothing."""
    now = now or timezone.now()
    if customer.owner_id is None:
        raise ValidationError(_("A customer in the pool has no one to answer a complaint: claim or assign it first."))
    response_hours, resolution_hours = deadline_hours(severity)
    if resolve_by is not None:
        if resolve_by < timezone.localtime(now).date():
            raise ValidationError(_("The resolution deadline cannot be in the past."))
        resolution_due = end_of_day(resolve_by)
    else:
        resolution_due = now + timedelta(hours=resolution_hours)
    complaint = Complaint.objects.create(
        customer=customer, owner_id=customer.owner_id, channel=channel, category=category, severity=severity,
        description=description, logged_by=by, created_at=now, updated_at=now,
        response_due_at=now + timedelta(hours=response_hours), resolution_due_at=resolution_due,
    )
    Step.objects.create(complaint=complaint, from_state="", to_state=State.NEW, by=by, at=now, note="")
    if files:
        hooks.complaint_files(complaint, list(files), by=by)
    hooks.complaint_logged(complaint, by=by, now=now)
    return complaint


def may_move(complaint, to_state) -> bool:
    return to_state in MOVES.get(State(complaint.state), [])


@transaction.atomic
def complaint_move(*, complaint, to_state, note="", seen_state=None, followups=(), by, now=None) -> Complaint:
    """Move a complaint one step (MOVES), timed and kept with who and a note; optionally linking
    the follow-up(s) that answered it. Refused, with nothing saved, when the step is not allowed
    or someone moved the complaint since the form was shown (`seen_state`)."""
    now = now or timezone.now()
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if seen_state and current.state != seen_state:
        raise ValidationError(_("Someone moved this complaint to “%(state)s” meanwhile: nothing was changed. "
                                "Look again and retry.") % {"state": current.get_state_display()})
    if not may_move(current, to_state):
        raise ValidationError(_("A complaint that is “%(old)s” cannot become “%(new)s”.") % {
            "old": current.get_state_display(), "new": State(to_state).label})
    fields = {"state": to_state, "updated_at": now}
    if to_state in (State.RESPONDED, State.RESOLVED) and current.responded_at is None:
        fields["responded_at"] = now  # resolved at the first answer: answered then too
    if to_state == State.RESOLVED:
        fields["resolved_at"] = now
    if to_state == State.CLOSED:
        fields["closed_at"] = now
    if to_state == State.REOPENED:
        fields.update(resolved_at=None, closed_at=None)
    Complaint.objects.filter(pk=current.pk).update(**fields)
    Step.objects.create(complaint=current, from_state=current.state, to_state=to_state, by=by, at=now, note=note)
    if followups:
        current.followups.add(*followups)
    current.refresh_from_db()
    return current


@transaction.atomic
def complaint_link(*, complaint, followups, by) -> Complaint:
    """The follow-ups that answered the complaint: exactly these (chosen from its customer's)."""
    complaint.followups.set(followups)
    Complaint.objects.filter(pk=complaint.pk).update(updated_at=timezone.now())
    return complaint


@transaction.atomic
def deadline_save(*, severity, response_hours, resolution_hours, by) -> Deadline:
    """The company's deadlines for a severity; complaints logged from now on use them."""
    if response_hours > resolution_hours:
        raise ValidationError(_("The response deadline must not be later than the resolution deadline."))
    row, _created = Deadline.objects.update_or_create(
        severity=severity, defaults={"response_hours": response_hours, "resolution_hours": resolution_hours,
                                     "updated_at": timezone.now()})
    return row
