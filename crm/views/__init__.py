from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.policies import visible_sales_groups
from crm import selectors
from workplans import selectors as plan_selectors


@require_GET
@login_required
def home(request):
    """Each role's start page (the dashboard: it reads every app); a backup operator's shows only what that role may do."""
    user = request.user
    if user.is_backup_operator:
        return render(request, "crm/home_backup.html")
    supervised = visible_sales_groups(user) if user.is_supervisor else []
    return render(request, "crm/home.html", {
        "supervised_groups": supervised,
        "tiles": selectors.view_counts(user),
        "plans": plan_selectors.todays_plans(user),
        "plan_summary": [] if user.is_salesperson else plan_selectors.week_summary(user),
        "recent_followups": selectors.followup_list(user)[:5],
        "recycle_soon": selectors.recycle_soon(user),
    })
