"""The isolation pool (SPEC §3): browse it, claim a customer, hand one out."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.policies import has_sales_role, require
from common.pagination import paginate
from crm import policies, search, selectors, services
from crm.filters import PoolFilterSet
from crm.forms import PoolAssignForm

sales_only = require(has_sales_role)


@require_GET
@sales_only
def pool_list(request):
    filters = PoolFilterSet(request.GET, user=request.user)
    if filters.errors:
        for errors in filters.errors.values():
            for error in errors:
                messages.error(request, error)
    rows, walk = filters.rows_and_walk()
    page = paginate(request, rows, cap=search.search_count_cap(filters.value("q")), walk=walk)
    return render(request, "crm/pool_list.html", {
        "form": filters.form,
        "query": filters.valid,
        "page_obj": page,
        "customers": selectors.with_previous_owners(page),
        "window": filters.data.get("window", ""),
        "can_assign": policies.may_hand_out_pool(request.user),
    })


@require_POST
@sales_only
def pool_claim(request, pk):
    customer = policies.get_pool_customer_for(request.user, pk)
    try:
        services.customer_claim(customer=customer, by=request.user)
    except services.ClaimRefused as refused:
        messages.error(request, refused.message)
        return redirect("crm:pool-list")
    messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    if settings.POOL_CLAIM_PROBATION_HOURS > 0:
        messages.info(request, _("Contact them within %(hours)d hours, or they go back to the pool.")
                      % {"hours": settings.POOL_CLAIM_PROBATION_HOURS})
    return redirect(customer)


@require_POST
@sales_only
def pool_assign(request, pk):
    customer = policies.get_pool_customer_for(request.user, pk)
    if not policies.may_hand_out_pool(request.user):
        raise PermissionDenied
    form = PoolAssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered salespeople."))
        return redirect(customer)
    owner = form.cleaned_data["owner"]
    try:
        services.customer_assign_from_pool(customer=customer, owner=owner, by=request.user)
    except services.ClaimRefused as refused:
        messages.error(request, refused.message)
        return redirect("crm:pool-list")
    messages.success(request, _("%(name)s now belongs to %(owner)s.") % {"name": customer.name, "owner": owner.display_name})
    return redirect(customer)


@require_POST
@sales_only
def customer_lock(request, pk):
    customer = policies.get_customer_for(request.user, pk)
    if not policies.can_lock(request.user, customer):
        raise PermissionDenied
    locked = request.POST.get("locked") == "1"
    services.customer_set_locked(customer=customer, locked=locked, by=request.user)
    if locked:
        messages.success(request, _("%(name)s is a key customer: it will not be recycled to the pool.") % {"name": customer.name})
    else:
        messages.success(request, _("%(name)s is no longer a key customer.") % {"name": customer.name})
    return redirect(customer)
