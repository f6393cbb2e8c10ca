"""Who edits the company's lists and grades: admins only (supervisors: none); others get a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.policies import is_admin
from companylists.models import Entry, Grade


def may_edit_lists(user) -> bool:
    return is_admin(user)


def visible_grades(user) -> QuerySet[Grade]:
    return Grade.objects.all() if may_edit_lists(user) else Grade.objects.none()


def get_grade_for(user, pk: int) -> Grade:
    return get_object_or_404(visible_grades(user), pk=pk)


def visible_entries(user, list_name: str) -> QuerySet[Entry]:
    return Entry.objects.filter(list=list_name) if may_edit_lists(user) else Entry.objects.none()


def get_entry_for(user, list_name: str, pk: int) -> Entry:
    return get_object_or_404(visible_entries(user, list_name), pk=pk)
