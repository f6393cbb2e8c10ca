"""The plan list's FilterSet: the one reading of its query string, asked by the page and by the
plan export (transfers), so both hold the same plans in the same order. Bad values are dropped
(common.filters), never an error page."""

from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter

from common.filters import ListFilterSet, noop
from common.timewindows import day_window, month_window, week_window
from workplans import policies, selectors
from workplans.forms import PlanWindowForm
from workplans.models import Plan

WHEN_TODAY, WHEN_WEEK, WHEN_MONTH, WHEN_CUSTOM, WHEN_ANY = "today", "week", "month", "custom", "any"
WINDOWS = {WHEN_TODAY: day_window, WHEN_WEEK: week_window, WHEN_MONTH: month_window}


class PlanFilterSet(ListFilterSet):
    """When the plan starts (this week unless chosen; a custom window of dates), its status, and,
    for managers, whose it is (a name among the people they may look at)."""

    when = ChoiceFilter(label=_("Starts"), empty_label=None, method=noop, choices=[
        (WHEN_TODAY, _("Today")),
        (WHEN_WEEK, _("This week")),
        (WHEN_MONTH, _("This month")),
        (WHEN_CUSTOM, _("Custom")),
        (WHEN_ANY, _("Any time")),
    ])
    status = ChoiceFilter(label=_("Status"), empty_label=_("Any status"), method=noop, choices=[
        (selectors.STATUS_DONE, _("Completed")),
        (selectors.STATUS_OPEN, _("Not completed")),
        (selectors.STATUS_OVERDUE, _("Overdue")),
    ])
    person = CharFilter(label=_("Salesperson"), max_length=50, method=noop)

    class Meta:
        model = Plan
        fields = []
        form = PlanWindowForm

    def scope(self):
        if not policies.is_manager(self.user):
            del self.filters["person"]

    def starts(self) -> str:
        """The `when` chosen (this week unless another is)."""
        return self.value("when", WHEN_WEEK)

    def time_window(self):
        """The start-time window, and whether the latest plans come first (no start bound)."""
        when = self.starts()
        if when == WHEN_CUSTOM:
            window = self.form.window(self.now)
            return window, window is None or window.start is None
        if when == WHEN_ANY:
            return None, True
        return (WINDOWS.get(when) or week_window)(self.now), False

    def filter_queryset(self, queryset):
        valid = self.valid
        window, newest_first = self.time_window()
        person = (valid.get("person") or "").strip()
        author_ids = selectors.people_matching(self.user, person) if person else None
        plans = selectors.plan_list(self.user, window=window, status=valid.get("status") or "", author_ids=author_ids,
                                    newest_first=newest_first, now=self.now)
        for name, filter_ in self.filters.items():  # filters other apps added (add_filter)
            if name not in type(self).declared_filters and name in valid:
                plans = filter_.filter(plans, valid[name])
        return plans

    @property
    def newest_first(self) -> bool:
        return self.time_window()[1]
