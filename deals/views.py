from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policies import require
from common.pagination import paginate
from customfields import registry, values
from deals import board_moves, conversations, panels, policies, selectors, services
from deals.forms import (
    DealFilterForm,
    DealForm,
    InstalmentForm,
    LostReasonForm,
    PaymentForm,
    StageChangeForm,
    StageSettingForm,
)
from deals.models import DealSettings, LostReason, Stage

MOVED_MEANWHILE = board_moves.MOVED_MEANWHILE
DEAL = services.DEAL


def _filter_form(request):
    user = request.user
    return DealFilterForm(request.GET or None, owners=policies.filterable_owners(user),
                          groups=policies.filterable_groups(user))


@require(policies.may_use_deals)
@require_GET
def deal_list(request):
    form = _filter_form(request)
    today = timezone.localdate()
    page_obj = paginate(request, selectors.deal_list(request.user, form.filters(today)))
    return render(request, "deals/deal_list.html", {
        "form": form, "page_obj": page_obj, "today": today,
        "can_manage_stages": policies.may_manage_stages(request.user),
    })


@require(policies.may_use_deals)
@require_GET
def deal_board(request):
    form = _filter_form(request)
    today = timezone.localdate()
    columns = selectors.board(request.user, form.filters(today))
    return render(request, "deals/deal_board.html", {
        "form": form, "columns": columns, "today": today, "stages": [column.stage for column in columns],
        "card_limit": selectors.BOARD_CARDS, "can_manage_stages": policies.may_manage_stages(request.user),
    })


@require(policies.may_use_deals)
@require_http_methods(["GET", "POST"])
def deal_create(request, customer_pk):
    customer = policies.get_customer_for_deal(request.user, customer_pk)
    form = DealForm(request.POST or None, initial={"stage": services.default_stage(), "source": customer.source},
                    user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_create(customer=customer, by=request.user, **form.deal_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Deal opened."))
            return redirect(deal)
    return render(request, "deals/deal_form.html", {"form": form, "customer": customer, "deal": None})


@require(policies.may_use_deals)
@require_GET
def deal_detail(request, pk):
    deal = policies.get_deal_for(request.user, pk)
    flags = policies.flags_for(request.user, deal)
    return render(request, "deals/deal_detail.html", {
        "deal": deal, "history": selectors.stage_history(deal), "today": timezone.localdate(),
        "balance": selectors.balance_of(deal), "instalments": deal.instalments.all(),
        "payments": deal.payments.all(), "stage_form": StageChangeForm(initial={"stage": deal.stage_id}),
        "stages": selectors.active_stages(), "sections": panels.deal_sections(request.user, deal),
        "conversations": conversations.deal_conversations(request.user, deal), **flags,
        "custom_values": registry.shown_values(DEAL, request.user, deal.custom),
        "custom_history": values.history(DEAL, deal.pk, request.user),
    })


@require(policies.may_use_deals)
@require_http_methods(["GET", "POST"])
def deal_edit(request, pk):
    deal = policies.get_deal_for(request.user, pk, write=True)
    form = DealForm(request.POST or None, instance=deal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_update(deal=deal, by=request.user, **form.deal_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Deal saved."))
            return redirect(deal)
    return render(request, "deals/deal_form.html", {"form": form, "customer": deal.customer, "deal": deal})


def _asks_details(request, form) -> bool:
    """A card's stage select sent only a stage that needs closing details (won: the signed
    amount and date, lost: the reason): show the form to fill them, without errors yet."""
    stage = form.cleaned_data.get("stage") if form.is_valid() else None
    closing = {"won_amount", "won_on", "lost_reason"} & set(request.POST)
    return stage is not None and not stage.is_open and not closing


def _seen(value, deal) -> int:
    """The stage a page showed when it was opened (a board card's), else the deal's stage now."""
    return int(value) if str(value or "").isdigit() and len(str(value)) < 19 else deal.stage_id


@require(policies.may_use_deals)
@require_http_methods(["GET", "POST"])
def deal_stage(request, pk):
    deal = policies.get_deal_for(request.user, pk, write=True)
    if request.method == "GET":
        form = StageChangeForm(initial={"stage": request.GET.get("stage") or deal.stage_id,
                                        "seen_stage": _seen(request.GET.get("seen"), deal),
                                        "won_amount": deal.amount, "won_on": timezone.localdate()})
        return render(request, "deals/deal_stage.html", {"deal": deal, "form": form})
    form = StageChangeForm(request.POST)
    if request.headers.get("HX-Request"):
        return board_moves.dropped(request, deal, form)
    if _asks_details(request, form):
        form = StageChangeForm(initial={"stage": form.cleaned_data["stage"].pk,
                                        "seen_stage": _seen(request.POST.get("seen_stage"), deal),
                                        "won_amount": deal.amount, "won_on": timezone.localdate()})
        return render(request, "deals/deal_stage.html", {"deal": deal, "form": form})
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deal_move(deal=deal, to_stage=data["stage"], by=request.user, seen_stage_id=data["seen_stage"],
                               won_amount=data["won_amount"], won_on=data["won_on"],
                               lost_reason=data["lost_reason"], lost_note=data["lost_note"])
        except services.DealMoved as moved:
            messages.error(request, MOVED_MEANWHILE % {"stage": moved.deal.stage.name})
            return redirect(deal)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Deal moved to %(stage)s.") % {"stage": data["stage"].name})
            return redirect("deals:deal-board" if request.POST.get("back") == "board" else deal)
    return render(request, "deals/deal_stage.html", {"deal": deal, "form": form})


def _payment_page(request, pk, form_class, service, success, template):
    deal = policies.get_deal_for(request.user, pk, write=True)
    if not policies.can_record_payments(request.user, deal):
        raise PermissionDenied
    form = form_class(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            service(deal=deal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(deal)
    return render(request, template, {"deal": deal, "form": form, "balance": selectors.balance_of(deal)})


@require(policies.may_use_deals)
@require_http_methods(["GET", "POST"])
def instalment_create(request, pk):
    return _payment_page(request, pk, InstalmentForm, services.instalment_add, _("Instalment planned."),
                         "deals/instalment_form.html")


@require(policies.may_use_deals)
@require_http_methods(["GET", "POST"])
def payment_create(request, pk):
    return _payment_page(request, pk, PaymentForm, services.payment_add, _("Payment recorded."),
                         "deals/payment_form.html")


@require(policies.may_see_receivables)
@require_GET
def receivable_list(request):
    today = timezone.localdate()
    page_obj = paginate(request, selectors.overdue_receivables(request.user, today))
    return render(request, "deals/receivable_list.html", {
        "page_obj": page_obj, "today": today, "can_manage_stages": policies.may_manage_stages(request.user),
    })


# --- Company settings: stages and lost reasons (admins) -------------------------------------------


@require(policies.may_manage_stages)
@require_GET
def stage_list(request):
    return render(request, "deals/stage_list.html", {
        "stages": Stage.objects.order_by("order", "id"), "reasons": LostReason.objects.order_by("order", "id"),
        "deal_settings": DealSettings.current(),
    })


def _setting_form(request, form_class, instance, saved):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, saved)
        return redirect("deals:stage-list")
    return render(request, "deals/setting_form.html", {"form": form, "instance": instance})


@require(policies.may_manage_stages)
@require_http_methods(["GET", "POST"])
def stage_create(request):
    return _setting_form(request, StageSettingForm, None, _("Stage saved."))


@require(policies.may_manage_stages)
@require_http_methods(["GET", "POST"])
def stage_edit(request, pk):
    return _setting_form(request, StageSettingForm, get_object_or_404(Stage, pk=pk), _("Stage saved."))


@require(policies.may_manage_stages)
@require_http_methods(["GET", "POST"])
def reason_create(request):
    return _setting_form(request, LostReasonForm, None, _("Lost reason saved."))


@require(policies.may_manage_stages)
@require_http_methods(["GET", "POST"])
def reason_edit(request, pk):
    return _setting_form(request, LostReasonForm, get_object_or_404(LostReason, pk=pk), _("Lost reason saved."))
