from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from common.pagination import paginate
from complaints import hooks, policies, selectors, services
from complaints.forms import ComplaintForm, DeadlinesForm, FilterForm, LinkForm, MoveForm
from complaints.models import Severity


@require(policies.may_use_complaints)
@require_GET
def complaint_list(request):
    user = request.user
    form = FilterForm(request.GET or None, owners=policies.filterable_owners(user),
                      groups=policies.filterable_groups(user), show_people=policies.sees_owner(user))
    now = timezone.now()
    page_obj = paginate(request, selectors.complaint_list(user, form.filters(), now))
    return render(request, "complaints/complaint_list.html", {
        "form": form, "page_obj": page_obj, "now": now, "sees_owner": policies.sees_owner(user),
        "measure": selectors.answered_in_day(user, now),
        "may_set_deadlines": policies.may_set_deadlines(user),
    })


@require(policies.may_use_complaints)
@require_http_methods(["GET", "POST"])
def complaint_create(request, customer_pk):
    customer = policies.get_customer_for_complaint(request.user, customer_pk)
    form = ComplaintForm(request.POST or None, request.FILES or None, accept=hooks.file_accept())
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ComplaintForm.Meta.fields + ["resolve_by"]}
        try:
            complaint = services.complaint_log(customer=customer, by=request.user, files=form.files_given(), **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Complaint logged. Respond by %(when)s.") % {
                "when": timezone.localtime(complaint.response_due_at).strftime("%Y-%m-%d %H:%M")})
            return redirect(complaint)
    return render(request, "complaints/complaint_form.html", {"form": form, "customer": customer})


def _detail(request, complaint, *, move_form=None, link_form=None, status=200):
    user = request.user
    followups = policies.linkable_followups(user, complaint)
    moves = [(state, state.label) for state in services.MOVES.get(complaint.state, [])]
    if move_form is None:
        move_form = MoveForm(initial={"seen_state": complaint.state, "to_state": moves[0][0] if moves else ""},
                             followups=followups)
    move_form.fields["to_state"].choices = moves
    if link_form is None:
        link_form = LinkForm(initial={"followups": list(complaint.followups.values_list("pk", flat=True))},
                             followups=followups)
    return render(request, "complaints/complaint_detail.html", {
        "complaint": complaint, "customer": complaint.customer, "steps": selectors.steps_of(complaint),
        "linked": selectors.linked_followups(complaint), "move_form": move_form, "link_form": link_form,
        "moves": moves, "now": timezone.now(), "sections": hooks.complaint_sections(user, complaint),
    }, status=status)


@require(policies.may_use_complaints)
@require_GET
def complaint_detail(request, pk):
    return _detail(request, policies.get_complaint_for(request.user, pk))


@require(policies.may_use_complaints)
@require_POST
def complaint_move(request, pk):
    complaint = policies.get_complaint_for(request.user, pk)
    form = MoveForm(request.POST, followups=policies.linkable_followups(request.user, complaint))
    if form.is_valid():
        try:
            services.complaint_move(complaint=complaint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Complaint updated."))
            return redirect(complaint)
    complaint.refresh_from_db()
    return _detail(request, complaint, move_form=form, status=400)


@require(policies.may_use_complaints)
@require_POST
def complaint_link(request, pk):
    complaint = policies.get_complaint_for(request.user, pk)
    form = LinkForm(request.POST, followups=policies.linkable_followups(request.user, complaint))
    if not form.is_valid():
        return _detail(request, complaint, link_form=form, status=400)
    services.complaint_link(complaint=complaint, followups=form.cleaned_data["followups"], by=request.user)
    messages.success(request, _("Answering follow-ups saved."))
    return redirect(complaint)


@require(policies.may_set_deadlines)
@require_http_methods(["GET", "POST"])
def deadline_settings(request):
    current = {severity: services.deadline_hours(severity) for severity in Severity}
    form = DeadlinesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            for severity in Severity:
                services.deadline_save(severity=severity, by=request.user,
                                       response_hours=form.cleaned_data[f"response_{severity.value}"],
                                       resolution_hours=form.cleaned_data[f"resolution_{severity.value}"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Deadlines saved: they apply to complaints logged from now on."))
            return redirect("complaints:deadline-settings")
    return render(request, "complaints/deadline_settings.html", {"form": form})
