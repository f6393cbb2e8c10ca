"""Who edits the company's lists and grades: admins only (supervisors: none); others get a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.policies import is_admin
from companylists.models import Grade


def may_edit_lists(user) -> bool:
    return is_admin(user)


def visible_grades(user) -> QuerySet[Grade]:
    return Grade.objects.all() if may_edit_lists(user) else Grade.objects.none()


def get_grade_for(user, pk: int) -> Grade:
    return get_object_or_404(visible_grades(user), pk=pk)
