"""The grades settings page (admins): list, add, edit, reorder, retire/reactivate, delete unused."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import require
from companylists import services, usage
from companylists.forms import GradeForm
from companylists.models import Grade
from companylists.policies import get_grade_for, may_edit_lists, visible_grades

editors = require(may_edit_lists)
LAST_ACTIVE = gettext_lazy(
    "The last active grade cannot be retired or deleted: a new customer needs one."
)


@require_http_methods(["GET"])
@editors
def grade_list(request):
    return render(
        request,
        "companylists/grade_list.html",
        {"grades": list(visible_grades(request.user))},
    )


@require_http_methods(["GET", "POST"])
@editors
def grade_edit(request, pk=None):
    grade = get_grade_for(request.user, pk) if pk else Grade(active=True)
    form = GradeForm(request.POST or None, instance=grade)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            services.grade_save(form.instance, by=request.user, request=request)
            messages.success(
                request, _("Grade %(label)s saved.") % {"label": form.instance.label}
            )
        return redirect("companylists:grades")
    used = usage.count("grade", grade.key) if pk else 0
    return render(
        request,
        "companylists/grade_form.html",
        {"form": form, "grade": grade, "creating": not pk, "used": used},
    )


@require_POST
@editors
def grade_active(request, pk):
    grade = get_grade_for(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.grade_set_active(
            grade, active=active, by=request.user, request=request
        )
    except ValueError:
        messages.error(request, str(LAST_ACTIVE))
    else:
        messages.success(
            request,
            (
                _("Grade %(label)s is offered again.")
                if active
                else _(
                    "Grade %(label)s retired: old customers keep it, new ones cannot get it."
                )
            )
            % {"label": grade.label},
        )
    return redirect("companylists:grades")


@require_POST
@editors
def grade_move(request, pk):
    services.grade_move(
        get_grade_for(request.user, pk),
        up=request.POST.get("up") == "1",
        by=request.user,
        request=request,
    )
    return redirect("companylists:grades")


@require_POST
@editors
def grade_delete(request, pk):
    grade = get_grade_for(request.user, pk)
    try:
        used = services.grade_delete(grade, by=request.user, request=request)
    except ValueError:
        messages.error(request, str(LAST_ACTIVE))
        return redirect("companylists:grades")
    if used:
        messages.error(
            request,
            _(
                "%(count)d customers have grade %(label)s: it cannot be deleted, retire it instead."
            )
            % {"count": used, "label": grade.label},
        )
    else:
        messages.success(
            request, _("Grade %(label)s deleted.") % {"label": grade.label}
        )
    return redirect("companylists:grades")
