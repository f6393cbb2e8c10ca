from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.policies import has_sales_role, require
from common.http import client_ip
from common.pagination import paginate
from crm import custom, ownership, photos, policies, reassignment, search, sections, selectors, services
from crm.filters import CustomerFilterSet
from crm.forms import (
    BulkActionForm,
    CustomerForm,
    CustomerGradeForm,
    CustomerTypeForm,
    GiveUpForm,
    PoolAssignForm,
    SavedSearchForm,
    SavedSearchRenameForm,
    ShareForm,
)
from customfields import registry

sales_only = require(has_sales_role)
LOG_LIMIT = 100  # the newest conversations on a customer's page


@require_GET
@sales_only
def customer_list(request):
    filters = CustomerFilterSet(request.GET, user=request.user)
    query = filters.query()
    customers, walk = filters.rows_and_walk()
    page = paginate(request, customers, cap=search.search_count_cap(query.q), walk=walk)
    sections.attach_badges(request.user, page.object_list)
    custom_columns = custom.list_columns(request.user)
    custom.attach_cells(page.object_list, custom_columns)
    saved_searches = list(policies.visible_saved_searches(request.user))
    per_page = page.paginator.per_page if "per_page" in request.GET else None
    return render(request, "crm/customer_list.html", {
        "form": filters.form,
        "custom_filters": [filters.form[name] for name in custom.filter_names(filters.form)],
        "custom_columns": custom_columns,
        "sees_owner_column": policies.sees_owner_column(request.user),
        "query": query,
        "page_obj": page,
        "views": selectors.QUERY_VIEWS,
        "current_view": selectors.QUERY_VIEWS_BY_KEY.get(query.view),
        "today": timezone.localdate(),
        "saved_searches": saved_searches,
        "open_search": selectors.open_saved_search(saved_searches, query, per_page),
        "can_save_search": query.narrows(),
        "bulk_form": BulkActionForm(user=request.user) if policies.may_reassign(request.user) else None,
    })


def _save_customer(request, form, save):
    """Run a create/update service; a duplicate becomes a form error, a namesake a question to
    confirm; either way nothing is saved yet and every typed value stays."""
    try:
        return save()
    except services.DuplicateCustomer as duplicate:
        for message in duplicate.messages:
            form.add_error(None, message)
    except services.SameNameCustomer as namesakes:
        form.ask_about_namesakes(namesakes.messages)
    except ownership.Refused as refused:  # the chosen owner left after the form was shown
        form.add_error(None, refused.message)
    return None


@require_http_methods(["GET", "POST"])
@sales_only
def customer_create(request):
    form = CustomerForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("owner") or request.user
        customer = _save_customer(request, form, lambda: services.customer_create(
            data=form.customer_data(), owner=owner, by=request.user,
            override_duplicates=form.cleaned_data.get("override_duplicates", False),
            same_name_confirmed=form.cleaned_data.get("same_name_confirmed", False),
        ))
        if customer is not None:
            messages.success(request, _("Customer %(name)s added.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "crm/customer_form.html", {"form": form, "creating": True})


@require_GET
@sales_only
def customer_detail(request, pk):
    customer = policies.get_customer_for(request.user, pk)
    user = request.user
    return render(request, "crm/customer_detail.html", {
        "customer": customer,
        "custody": selectors.custody_history(customer),
        "changes": custom.shown_changes(selectors.change_history(customer), user),
        "custom_values": registry.shown_values(custom.CUSTOMER, user, customer.custom),
        "shares": selectors.shares_of(customer) if policies.can_share(user, customer) else [],
        "can_edit": policies.can_edit(user, customer),
        "can_delete": policies.can_delete(user, customer),
        "can_share": policies.can_share(user, customer),
        "can_log": policies.can_log_followup(user, customer),
        "can_claim": policies.can_claim(user, customer),
        "can_lock": policies.can_lock(user, customer),
        "can_plan": policies.can_link_to_plans(user, customer),
        "assign_form": PoolAssignForm(user=user) if policies.can_assign_from_pool(user, customer) else None,
        "log": selectors.customer_log(customer, limit=LOG_LIMIT),
        "log_limit": LOG_LIMIT,
        "type_form": CustomerTypeForm(initial={"type": customer.type}),
        "grade_form": CustomerGradeForm(initial={"grade": customer.grade}, current=customer.grade),
        "today": timezone.localdate(),
        "sections": sections.customer_sections(user, customer),
    })


@require_http_methods(["GET", "POST"])
@sales_only
def customer_edit(request, pk):
    customer = policies.get_customer_for(request.user, pk, write=True)
    form = CustomerForm(request.POST or None, request.FILES or None, instance=customer, user=request.user,
                        initial={"version": services.customer_version(customer)})
    conflicts = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_customer(request, form, lambda: services.customer_update(
                customer=customer, data=form.customer_data(), by=request.user,
                override_duplicates=form.cleaned_data.get("override_duplicates", False),
                expected_version=form.cleaned_data.get("version"),
                same_name_confirmed=form.cleaned_data.get("same_name_confirmed", False),
            ))
        except services.CustomerChanged as changed:
            form, conflicts = _changed_meanwhile(request, form, changed.customer)
            saved = None
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(saved)
    return render(request, "crm/customer_form.html",
                  {"form": form, "customer": customer, "creating": False, "conflicts": conflicts})


def _changed_meanwhile(request, form, current):
    """Someone saved the customer while this person edited it: keep their input, show what the
    customer holds now, and make the next save a deliberate one (the form now carries the current version)."""
    theirs = CustomerForm(instance=current, user=request.user)
    conflicts = [
        (theirs.fields[name].label, theirs[name].value(), form.cleaned_data.get(name))
        for name in form.customer_data() if name != "photo" and name in theirs.fields
        and str(theirs[name].value() or "") != str(form.cleaned_data.get(name) or "")
    ]
    data = request.POST.copy()
    data["version"] = services.customer_version(current)
    form = CustomerForm(data, request.FILES or None, instance=current, user=request.user)
    form.is_valid()
    form.add_error(None, _("Someone else saved this customer while you were editing it, so nothing was saved. "
                           "Compare with what it holds now, then save again to keep your version."))
    return form, conflicts


@require_POST
@sales_only
def customer_change_type(request, pk):
    customer = policies.get_customer_for(request.user, pk, write=True)
    form = CustomerTypeForm(request.POST)
    if form.is_valid():
        services.customer_change_type(customer=customer, type=form.cleaned_data["type"], by=request.user)
        messages.success(request, _("Type changed."))
    else:
        messages.error(request, _("Choose one of the offered types."))
    return redirect(customer)


@require_POST
@sales_only
def customer_change_grade(request, pk):
    customer = policies.get_customer_for(request.user, pk, write=True)
    form = CustomerGradeForm(request.POST, current=customer.grade)
    if form.is_valid():
        services.customer_change_grade(customer=customer, grade=form.cleaned_data["grade"], by=request.user)
        messages.success(request, _("Grade changed."))
    else:
        messages.error(request, _("Choose one of the offered grades."))
    return redirect(customer)


@require_http_methods(["GET", "POST"])
@sales_only
def customer_give_up(request, pk):
    customer = policies.get_customer_for(request.user, pk, write=True)
    form = GiveUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.customer_give_up(customer=customer, reason=form.reason_text(), by=request.user)
        messages.success(request, _("%(name)s is now in the isolation pool for colleagues to follow up.") % {"name": customer.name})
        return redirect("crm:customer-list")
    return render(request, "crm/customer_give_up.html", {"customer": customer, "form": form})


@require_http_methods(["GET", "POST"])
@sales_only
def customer_delete(request, pk):
    customer = policies.get_customer_for(request.user, pk)
    if not policies.can_delete(request.user, customer):
        raise PermissionDenied
    if request.method == "POST":
        services.customer_delete(customer=customer, by=request.user, ip=client_ip(request))
        messages.success(request, _("Customer %(name)s and everything recorded about them were deleted.") % {"name": customer.name})
        return redirect("crm:customer-list")
    return render(request, "crm/customer_delete.html", {"customer": customer, "loses": selectors.deletion_summary(customer)})


@require_GET
@sales_only
def customer_photo(request, pk):
    """Photos are customer data: served only to people who may see the customer, as the image
    type Pillow finds in the bytes (never the stored or uploaded name's), never sniffed."""
    customer = policies.get_customer_for(request.user, pk)
    if not customer.photo:
        raise Http404
    try:
        handle = customer.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    found = photos.detect(handle)
    if found is None:
        handle.close()
        raise Http404
    content_type, extension = found
    response = FileResponse(handle, content_type=content_type, filename=f"{customer.number}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
@sales_only
def customer_share(request, pk):
    customer = policies.get_customer_for(request.user, pk)
    if not policies.can_share(request.user, customer):
        raise PermissionDenied
    form = ShareForm(request.POST or None, customer=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["colleague"]
        services.customer_share(customer=customer, colleague=colleague, cofollow=form.cleaned_data["cofollow"], by=request.user)
        messages.success(request, _("Shared with %(name)s.") % {"name": colleague.display_name})
        return redirect(customer)
    return render(request, "crm/customer_share.html", {"customer": customer, "form": form, "shares": selectors.shares_of(customer)})


@require_POST
@sales_only
def customer_unshare(request, pk, user_pk):
    customer = policies.get_customer_for(request.user, pk)
    if not policies.can_share(request.user, customer):
        raise PermissionDenied
    colleague = get_object_or_404(User, pk=user_pk)
    services.customer_unshare(customer=customer, colleague=colleague, by=request.user)
    messages.success(request, _("%(name)s no longer shares this customer.") % {"name": colleague.display_name})
    return redirect(customer)


@require_POST
@sales_only
def saved_search_create(request):
    form = SavedSearchForm(request.POST, user=request.user)
    if form.is_valid():
        search = services.saved_search_save(owner=request.user, **form.search_data())
        messages.success(request, _("Search “%(name)s” saved.") % {"name": search.name})
        return redirect(search.get_absolute_url())
    _report_errors(request, form)
    return redirect("crm:customer-list")


@require_POST
@sales_only
def saved_search_rename(request, pk):
    search = policies.get_saved_search_for(request.user, pk)
    form = SavedSearchRenameForm(request.POST)
    if form.is_valid():
        try:
            services.saved_search_rename(search=search, name=form.cleaned_data["name"], by=request.user)
        except services.SavedSearchNameTaken:
            messages.error(request, _("You already have a search named “%(name)s”.") % {"name": form.cleaned_data["name"]})
        else:
            messages.success(request, _("Search renamed to “%(name)s”.") % {"name": search.name})
    else:
        _report_errors(request, form)
    return redirect(search.get_absolute_url())


@require_POST
@sales_only
def saved_search_delete(request, pk):
    search = policies.get_saved_search_for(request.user, pk)
    services.saved_search_delete(search=search, by=request.user)
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": search.name})
    return redirect("crm:customer-list")


def _report_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@require(policies.may_reassign)
def customer_bulk(request):
    """The customer list's bulk bar (supervisors within their groups, admins): reassign the
    ticked customers, or all of one salesperson's customers matching the filter, or move them
    to the pool. All or nothing; the ownership cap is respected."""
    form = BulkActionForm(request.POST, user=request.user)
    back = f"{reverse('crm:customer-list')}?{QueryDict(request.POST.get('filter', '')).urlencode()}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    if data["everything"]:
        chosen = form.filter_set().qs.filter(
            pk__in=policies.reassignable_customers(request.user).values("pk"))
    else:
        chosen = policies.reassignable_customers(request.user).filter(pk__in=[c.pk for c in data["customers"]])
    target = data["target"] if data["action"] == BulkActionForm.REASSIGN else None
    try:
        moved = reassignment.reassign(customers=chosen, to=target, by=request.user)
    except reassignment.Refused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    if target is None:
        messages.success(request, _("%(count)d customers moved to the isolation pool.") % {"count": moved})
    else:
        messages.success(request, _("%(count)d customers now belong to %(name)s.") % {"count": moved, "name": target.display_name})
    return redirect(back)
