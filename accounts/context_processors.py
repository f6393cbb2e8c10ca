from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import policies


def _everyone(user) -> bool:
    return True


# (url name, label, the policy question that shows it). Entries whose URL does not exist yet are skipped.
_NAVIGATION = [
    ("home", _("Home"), _everyone),
    ("crm:customer-list", _("Customers"), policies.has_sales_role),
    ("crm:followup-list", _("Follow-ups"), policies.has_sales_role),
    ("crm:pool-list", _("Isolation pool"), policies.has_sales_role),
    ("workplans:plan-list", _("Work plans"), policies.has_sales_role),
    ("bulletin:post-list", _("Message board"), policies.has_sales_role),
    ("bulletin:suggestion-list", _("Suggestions"), policies.may_read_suggestions),
    ("bulletin:suggestion-mine", _("Suggestions"), policies.sees_own_suggestions_only),
    ("reports:index", _("Reports"), policies.may_see_reports),
    ("staff:user-list", _("Staff"), policies.may_see_staff),
    ("staff:audit-list", _("Audit trail"), policies.may_see_audit_trail),
    ("backups:list", _("Backups"), policies.may_manage_backups),
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

