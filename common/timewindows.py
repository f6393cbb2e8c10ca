"""Time windows in the configured time zone: today, this week (from Monday), this month,
the last N hours/days, and custom from/to ranges. Every list with one-click windows uses these,
so "today" means the same thing on every page.

Also the days a person may give at all (issue 19.7): a date input holds 0001-01-01 to
9999-12-31, but the midnight after 9999-12-31, or 0001-01-01 in UTC, is beyond what Python's
datetime holds, and such a date broke every page that built a window from it. Every date and
moment that enters through a form goes through DayField or MomentField below: a form refuses one
outside EARLIEST_DAY..LATEST_DAY with a message, a list's filter moves it to the nearest bound;
and windows are built from days by days_window, which clamps the same way. This module imports
no app of ours (it belongs to the shared package of DESIGN.md).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_WINDOW = timedelta(days=3660)  # about ten years
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
DAY_OUT_OF_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")


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


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def clamp_day(day: date) -> date:
    """`day` moved into EARLIEST_DAY..LATEST_DAY."""
    return min(max(day, EARLIEST_DAY), LATEST_DAY)


def days_window(first: date | None, last: date | None) -> Window:
    """From local midnight of `first` to the midnight after `last` (either may be None: open),
    with both days clamped, so no day a person can type overflows."""
    start = local_midnight(clamp_day(first)) if first else None
    end = local_midnight(clamp_day(last) + timedelta(days=1)) if last else None
    return Window(start, end)


def _out_of_range():
    return forms.ValidationError(
        DAY_OUT_OF_RANGE, code="out_of_range",
        params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
    )


class DayField(forms.DateField):
    """A date a person gives. Outside EARLIEST_DAY..LATEST_DAY it is refused with a message, or,
    with clamp=True (a list's filter, where "until 9999-12-31" means "no end"), moved to the
    nearest bound."""

    def __init__(self, *, clamp: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.clamp = clamp

    def to_python(self, value):
        day = super().to_python(value)
        if day is None or EARLIEST_DAY <= day <= LATEST_DAY:
            return day
        if self.clamp:
            return clamp_day(day)
        raise _out_of_range()


class MomentField(forms.DateTimeField):
    """A date and time a person gives, on a day within EARLIEST_DAY..LATEST_DAY (else refused)."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise _out_of_range() from None
        if moment is not None and not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
            raise _out_of_range()
        return moment


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

    date_from = DayField(label=_("From"), required=False, clamp=True, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DayField(label=_("To"), required=False, clamp=True, widget=forms.DateInput(attrs={"type": "date"}))
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
        if not data.get("date_from") and not data.get("date_to"):
            return None
        return days_window(data.get("date_from"), data.get("date_to"))
