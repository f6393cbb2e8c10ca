"""A card dropped on another column of the pipeline board (static/js/board.js posts it with htmx,
exactly what the card's stage select sends). The answer makes the browser reload the board, which
then shows the card where it really is and says what happened: moved; someone else moved it
meanwhile (nothing changed); or why it could not move. A drop on 赢单 or 输单 opens the stage
form, which asks for the signed amount and date or the reason."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals import services

# One wording for the card's select, the stage form and a drag.
MOVED_MEANWHILE = gettext_lazy("Someone moved this deal to %(stage)s meanwhile: nothing was changed. Look again and retry.")


def _answer(**headers) -> HttpResponse:
    response = HttpResponse(status=204)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def dropped(request, deal, form) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, _("That stage cannot be chosen: the board shows the deals as they are now."))
        return _answer(HX_Refresh="true")
    data = form.cleaned_data
    if not data["stage"].is_open and not {"won_amount", "won_on", "lost_reason"} & set(request.POST):
        if data["seen_stage"] is not None and data["seen_stage"] != deal.stage_id:
            messages.error(request, MOVED_MEANWHILE % {"stage": deal.stage.name})
            return _answer(HX_Refresh="true")
        query = urlencode({"stage": data["stage"].pk, "seen": data["seen_stage"] or deal.stage_id})
        return _answer(HX_Redirect=f"{reverse('deals:deal-stage', args=[deal.pk])}?{query}")
    try:
        services.deal_move(deal=deal, to_stage=data["stage"], by=request.user, seen_stage_id=data["seen_stage"],
                           won_amount=data["won_amount"], won_on=data["won_on"],
                           lost_reason=data["lost_reason"], lost_note=data["lost_note"])
    except services.DealMoved as moved:
        messages.error(request, MOVED_MEANWHILE % {"stage": moved.deal.stage.name})
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Deal moved to %(stage)s.") % {"stage": data["stage"].name})
    return _answer(HX_Refresh="true")
