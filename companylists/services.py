"""Writes of the company's lists: in a transaction, by a user, the cache dropped after commit."""

from django.db import transaction

from accounts import audit
from companylists import grades, usage
from companylists.models import Grade


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
