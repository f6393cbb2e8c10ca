"""Targets, rankings, the forecast and the deal settings (issue 22). Who sees what: policies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policies import require
from deals import policies, targets
from deals.forms import DealSettingsForm, TargetForm
from deals.models import DealSettings

TARGET_CHANGED = _("Someone saved this target meanwhile: nothing was changed. Look at it again and retry.")


def _month(request):
    """The month asked for (?month=2026-12), else this month; a bad one is said, not an error page."""
    this_month = targets.month_start(timezone.localdate())
    asked = request.GET.get("month")
    month = targets.parse_month(asked) if asked else this_month
    if month is None:
        messages.warning(request, _("That month cannot be shown: showing this month."))
        month = this_month
    return month


@require(policies.may_see_targets)
@require_GET
def target_list(request):
    month = _month(request)
    key = request.GET.get("period") if request.GET.get("period") in targets.PERIOD_KEYS else "month"
    period = targets.period(key, month)
    return render(request, "deals/target_list.html", {
        "page": targets.target_page(request.user, period), "month": month, "period": period,
        "periods": [("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))],
        "may_set": policies.may_set_targets(request.user),
        "settable_people": set(policies.target_people(request.user).values_list("pk", flat=True)),
        "settable_groups": set(policies.target_groups(request.user).values_list("pk", flat=True)),
        "sees_rankings": policies.sees_rankings(request.user),
    })


def _target_form(request, month, who: dict, name):
    current = targets.target_for(month=month, **who)
    initial = {"month": f"{month:%Y-%m}", "version": targets.target_version(current)}
    if current:
        initial.update(amount=current.amount, new_customers=current.new_customers, followups=current.followups)
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            targets.target_set(by=request.user, month=data["month"], amount=data["amount"],
                               new_customers=data["new_customers"], followups=data["followups"],
                               expected_version=data["version"] if data["month"] == month else None, **who)
        except targets.TargetChanged:
            messages.error(request, TARGET_CHANGED)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Target saved."))
            return redirect(f"{reverse('deals:target-list')}?month={data['month']:%Y-%m}")
    return render(request, "deals/target_form.html", {"form": form, "name": name, "month": month})


@require(policies.may_set_targets)
@require_http_methods(["GET", "POST"])
def target_person(request, pk):
    person = policies.get_target_person_for(request.user, pk)
    return _target_form(request, _month(request), {"salesperson": person}, person.display_name)


@require(policies.may_set_targets)
@require_http_methods(["GET", "POST"])
def target_group(request, pk):
    group = policies.get_target_group_for(request.user, pk)
    return _target_form(request, _month(request), {"sales_group": group}, group.name)


@require(policies.may_use_deals)
@require_GET
def forecast(request):
    first = targets.month_start(timezone.localdate())
    return render(request, "deals/forecast.html", {"forecast": targets.forecast(request.user, first),
                                                   "sees_rankings": policies.sees_rankings(request.user)})


@require(policies.may_manage_deal_settings)
@require_http_methods(["GET", "POST"])
def deal_settings(request):
    form = DealSettingsForm(request.POST or None, instance=DealSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("deals:stage-list")
    return render(request, "deals/deal_settings.html", {"form": form})
