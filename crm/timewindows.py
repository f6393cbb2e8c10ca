"""Time windows in the configured time zone: today, this week (from Monday), this month,
the last N hours/days, and custom from/to ranges. Every list with one-click windows uses these,
so "today" means the same thing on every page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_WINDOW = timedelta(days=3660)  # about ten years


@dataclass(frozen=True)
class Window:
    start: datetime | None  # inclusive
    end: datetime | None  # exclusive

    def as_filter(self, field: str) -> dict:
        lookups = {}
        if self.start is not None:
            lookups[f"{field}__gte"] = self.start
        if self.end is not None:
            lookups[f"{field}__lt"] = self.end
        return lookups

    def as_date_filter(self, field: str) -> dict:
        """The same window for a DateField (dates in the configured time zone)."""
        lookups = {}
        if self.start is not None:
            lookups[f"{field}__gte"] = timezone.localtime(self.start).date()
        if self.end is not None:
            lookups[f"{field}__lt"] = timezone.localtime(self.end).date()
        return lookups


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def today(now: datetime | None = None) -> date:
    return timezone.localtime(now).date()


def day_window(now=None) -> Window:
    start = local_midnight(today(now))
    return Window(start, local_midnight(today(now) + timedelta(days=1)))


def week_window(now=None) -> Window:
    """Monday 00:00 to next Monday 00:00, local time."""
    monday = today(now) - timedelta(days=today(now).weekday())
    return Window(local_midnight(monday), local_midnight(monday + timedelta(days=7)))


def month_window(now=None) -> Window:
    first = today(now).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Window(local_midnight(first), local_midnight(following))


def last(now=None, **delta) -> Window:
    """The last N hours/days up to now: last(hours=1), last(days=3)."""
    now = now or timezone.now()
    return Window(now - timedelta(**delta), None)


class CustomWindowForm(forms.Form):
    """A custom window: from/to dates, or "the last N hours/days"."""

    UNITS = [("hours", _("hours")), ("days", _("days"))]

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last_n = forms.IntegerField(label=_("Last"), required=False, min_value=1, max_value=87600)
    last_unit = forms.ChoiceField(label=_("Unit"), required=False, choices=UNITS)

    def clean(self):
        data = super().clean()
        start, end, n = data.get("date_from"), data.get("date_to"), data.get("last_n")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the window is before its start."), code="reversed")
        if start and end and (end - start) > MAX_WINDOW:
            raise forms.ValidationError(_("A window can be at most ten years long."), code="too_long")
        if n and (data.get("last_unit") or "days") == "days" and timedelta(days=n) > MAX_WINDOW:
            raise forms.ValidationError(_("A window can be at most ten years long."), code="too_long")
        return data

    def window(self, now=None) -> Window | None:
        """The window the form describes, or None when it is empty or invalid."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if data.get("last_n"):
            return last(now, **{data.get("last_unit") or "days": data["last_n"]})
        start = local_midnight(data["date_from"]) if data.get("date_from") else None
        end = local_midnight(data["date_to"] + timedelta(days=1)) if data.get("date_to") else None
        if start is None and end is None:
            return None
        return Window(start, end)
