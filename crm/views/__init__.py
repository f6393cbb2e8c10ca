from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm import dashboard


@require_GET
@login_required
def home(request):
    """Each role's start page (the dashboard: it reads every app); a backup operator's shows only what that role may do."""
    user = request.user
    if user.is_backup_operator:
        return render(request, "backups/home.html")
    return render(request, "crm/home.html", dashboard.home(user))
