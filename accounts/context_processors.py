from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.policies import has_sales_role, is_admin, is_backup_operator

# (url name, label, who sees it). Entries whose URL does not exist yet are skipped.
_NAVIGATION = [
    ("home", _("Home"), lambda user: True),
    ("crm:customer-list", _("Customers"), has_sales_role),
    ("crm:followup-list", _("Follow-ups"), has_sales_role),
    ("crm:pool-list", _("Isolation pool"), has_sales_role),
    ("workplans:plan-list", _("Work plans"), has_sales_role),
    ("bulletin:post-list", _("Message board"), has_sales_role),
    ("bulletin:suggestion-list", _("Suggestions"), lambda user: has_sales_role(user) and not user.is_salesperson),
    ("bulletin:suggestion-mine", _("Suggestions"), lambda user: has_sales_role(user) and user.is_salesperson),
    ("crm:report-index", _("Reports"), lambda user: has_sales_role(user) and not user.is_salesperson),
    ("accounts:user-list", _("Staff"), lambda user: has_sales_role(user) and not user.is_salesperson),
    ("accounts:audit-list", _("Audit trail"), is_admin),
    ("crm:backup-list", _("Backups"), lambda user: is_backup_operator(user) or user.is_admin),
]


def register_navigation(name, label, visible, *, after: str) -> None:
    """Let an app above accounts add its entry (url name, label, who sees it) after `after`'s,
    from its AppConfig.ready(); its policy answers `visible(user)`."""
    if any(entry[0] == name for entry in _NAVIGATION):
        return
    position = next((i + 1 for i, entry in enumerate(_NAVIGATION) if entry[0] == after), len(_NAVIGATION))
    _NAVIGATION.insert(position, (name, label, visible))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # SPEC §5.2.A: posting on the board needs no login, when the company allows it.
        if getattr(settings, "BULLETIN_ALLOW_GUEST_POSTS", False):
            return {"nav_items": [{"url": reverse("bulletin:post-list"), "label": _("Message board"), "active": False}]}
        return {"nav_items": []}
    items = []
    for name, label, visible in _NAVIGATION:
        if not visible(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url))})
    return {"nav_items": items}

