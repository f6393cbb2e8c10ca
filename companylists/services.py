"""Writes of the company's lists: in a transaction, by a user, the cache dropped after commit."""

from django.db import transaction

from accounts import audit
from companylists import grades, lists, usage
from companylists.models import Entry, Grade


def _saved(action: str, grade: Grade, *, by, request=None) -> None:
    audit.record(
        actor=by, action=action, summary=grade.key, request=request, key=grade.key
    )
    transaction.on_commit(grades.forget)
    grades.forget()


@transaction.atomic
def grade_save(grade: Grade, *, by, request=None) -> Grade:
    """Create or edit a grade. Marking it the key grade unmarks the previous one."""
    if grade.is_key_grade:
        Grade.objects.filter(is_key_grade=True).exclude(pk=grade.pk).update(
            is_key_grade=False
        )
    if grade.pk is None:
        grade.order = (
            Grade.objects.order_by("-order").values_list("order", flat=True).first()
            or 0
        ) + 1
    grade.save()
    _saved("grades.save", grade, by=by, request=request)
    return grade


@transaction.atomic
def grade_set_active(grade: Grade, *, active: bool, by, request=None) -> Grade:
    """Retire (not offered for new choices, still shown on old records) or reactivate a grade.
    The last active grade cannot be retired: a new customer needs one."""
    if (
        not active
        and not Grade.objects.filter(active=True).exclude(pk=grade.pk).exists()
    ):
        raise ValueError("last active grade")
    grade.active = active
    grade.save(update_fields=["active"])
    _saved(
        "grades.retire" if not active else "grades.reactivate",
        grade,
        by=by,
        request=request,
    )
    return grade


@transaction.atomic
def grade_move(grade: Grade, *, up: bool, by, request=None) -> None:
    """Swap the grade with its neighbour above (or below) in the order."""
    ordered = list(Grade.objects.select_for_update().order_by("order", "id"))
    at = next(i for i, g in enumerate(ordered) if g.pk == grade.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, item in enumerate(ordered):
        if item.order != position:
            Grade.objects.filter(pk=item.pk).update(order=position)
    _saved("grades.reorder", grade, by=by, request=request)


@transaction.atomic
def grade_delete(grade: Grade, *, by, request=None) -> int:
    """Delete a grade no record uses; returns how many use it (then nothing is deleted: retire it)."""
    used = usage.count("grade", grade.key)
    if used:
        return used
    if (
        grade.active
        and not Grade.objects.filter(active=True).exclude(pk=grade.pk).exists()
    ):
        raise ValueError("last active grade")
    grade.delete()
    _saved("grades.delete", grade, by=by, request=request)
    return 0


# --- The simple lists (sources, industries, give-up reasons) ------------------------------------


def _entry_saved(action: str, entry: Entry, *, by, request=None) -> None:
    audit.record(actor=by, action=f"lists.{action}", summary=f"{entry.list}: {entry.key}",
                 request=request, list=entry.list, key=entry.key)
    transaction.on_commit(lists.forget)
    lists.forget()


@transaction.atomic
def entry_save(entry: Entry, *, by, request=None) -> Entry:
    """Create or edit an entry; a new one goes last."""
    if entry.pk is None:
        entry.order = (Entry.objects.filter(list=entry.list).order_by("-order")
                       .values_list("order", flat=True).first() or 0) + 1
    entry.save()
    _entry_saved("save", entry, by=by, request=request)
    return entry


# Lists a form must always offer one entry of (a new customer's source, a give-up's reason).
NEVER_EMPTY = {Entry.List.SOURCE, Entry.List.GIVE_UP}


def _refuse_last_active(entry: Entry) -> None:
    if (entry.list in NEVER_EMPTY and entry.active
            and not Entry.objects.filter(list=entry.list, active=True).exclude(pk=entry.pk).exists()):
        raise ValueError("last active entry")


@transaction.atomic
def entry_set_active(entry: Entry, *, active: bool, by, request=None) -> Entry:
    """Retire (kept on old records, not offered for new choices) or offer again. The last active
    source or give-up reason stays: the forms need one."""
    if not active:
        _refuse_last_active(entry)
    entry.active = active
    entry.save(update_fields=["active"])
    _entry_saved("reactivate" if active else "retire", entry, by=by, request=request)
    return entry


@transaction.atomic
def entry_move(entry: Entry, *, up: bool, by, request=None) -> None:
    """Swap the entry with its neighbour above (or below) in its list."""
    ordered = list(Entry.objects.select_for_update().filter(list=entry.list).order_by("order", "id"))
    at = next(i for i, e in enumerate(ordered) if e.pk == entry.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, item in enumerate(ordered):
        if item.order != position:
            Entry.objects.filter(pk=item.pk).update(order=position)
    _entry_saved("reorder", entry, by=by, request=request)


@transaction.atomic
def entry_delete(entry: Entry, *, by, request=None) -> int:
    """Delete an entry no record uses; returns how many use it (then nothing is deleted)."""
    used = usage.count(entry.list, entry.key)
    if used:
        return used
    _refuse_last_active(entry)
    entry.delete()
    _entry_saved("delete", entry, by=by, request=request)
    return 0
