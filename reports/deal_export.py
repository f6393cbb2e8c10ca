"""The deals report as an Excel workbook: every section's table one after the other on one sheet
(a title row, the header, the rows, the total), written by transfers' streamed writer; text cells
are neutralised so a name starting with "=" is shown, never run."""

import io
from decimal import Decimal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from transfers.columns import neutralise
from transfers.writer import XlsxWriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_url(request) -> str:
    query = request.GET.urlencode()
    return reverse("reports:deals-export") + (f"?{query}" if query else "")


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return str(value)
    return value if isinstance(value, int | float) else neutralise(str(value))


def _scope_line(scope, days, as_of, own) -> str:
    if own:
        who = _("Your own deals")
    elif scope.person is not None:
        who = scope.person.display_name
    elif scope.group is not None:
        who = scope.group.name
    elif scope.company:
        who = _("The whole company")
    else:
        who = _("The groups you supervise")
    line = _("%(who)s, last %(days)d days") % {"who": who, "days": days}
    if as_of:
        line += " · " + _("as of %(when)s") % {"when": date_format(timezone.localtime(as_of), "SHORT_DATETIME_FORMAT")}
    return line


def xlsx_response(title, sections, *, days, scope, as_of, own=False) -> HttpResponse:
    buffer = io.BytesIO()
    writer = XlsxWriter(buffer, sheet_name=str(title))
    writer.header([neutralise(str(title)), neutralise(_scope_line(scope, days, as_of, own))])
    for section in sections:
        writer.append([])
        writer.header([neutralise(str(section.title))])
        if not section.rows:
            writer.append([_("Nothing to show for this period and scope yet.")])
            continue
        writer.header([neutralise(str(header)) for header in section.headers])
        for row in section.rows:
            writer.append([_cell(cell) for cell in row])
        if section.footer:
            writer.append([_cell(cell) for cell in section.footer])
    writer.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="deal-report-{day}.xlsx"'
    return response
