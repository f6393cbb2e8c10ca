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
]
# Entries registered after one that is not registered yet (apps become ready in INSTALLED_APPS
# order): each waits here for its anchor, and is shown last if the anchor never comes.
_WAITING = []


def register_navigation(name, label, visible, *, after: str) -> None:
    """Let an app above accounts add its entry (url name, label, who sees it) after `after`'s,
    from its AppConfig.ready(); its policy answers `visible(user)`. The top bar's order follows
    the `after` chain whatever order the apps register in."""
    if any(entry[0] == name for entry in _NAVIGATION + [waiting[0] for waiting in _WAITING]):
        return
    _WAITING.append(((name, label, visible), after))
    placed = True
    while placed:  # an entry placed may be the anchor another one waits for
        placed = False
        for waiting in list(_WAITING):
            entry, anchor = waiting
            position = next((i + 1 for i, known in enumerate(_NAVIGATION) if known[0] == anchor), None)
            if position is not None:
                _NAVIGATION.insert(position, entry)
                _WAITING.remove(waiting)
                placed = True


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # SPEC §5.2.A: posting on the board needs no login, when the company allows it.
        if getattr(settings, "BULLETIN_ALLOW_GUEST_POSTS", False):
            return {"nav_items": [{"url": reverse("bulletin:post-list"), "label": _("Message board"), "active": False}]}
        return {"nav_items": []}
    items = []
    for name, label, visible in _NAVIGATION + [entry for entry, _anchor in _WAITING]:
        if not visible(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url))})
    return {"nav_items": items}

