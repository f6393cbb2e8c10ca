"""The contacts, deals and payments imports (issues 22, 25): upload, see every row checked,
change the columns if needed, import. The upload is kept privately; the preview's form carries a signed, expiring reference to
it that only its uploader can use (another person's, a forged or an old one is a 404)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import require
from deals import policies as deal_policies
from transfers import contact_import, deal_import, policies, target_import
from transfers.forms import RecordColumnsForm, RecordUploadForm
from transfers.jobs import new_private_file, private_path, suffix_of
from transfers.reader import ImportFileError, open_table

SALT = "transfers.contact-import"
MAX_AGE = 24 * 3600
may_import = require(policies.may_import)


@dataclass(frozen=True)
class Kind:
    name: str
    title: object
    columns: list
    check: object
    run: object
    rejected: type
    sheet_names: tuple
    done_url: str
    done_message: object
    may: object = None  # who may use it, beyond may_import (the targets policy for targets)


KINDS = {kind.name: kind for kind in [
    Kind("contacts", gettext_lazy("Import contacts"), contact_import.COLUMNS, contact_import.check_table,
         contact_import.import_contacts, contact_import.ContactImportRejected, contact_import.SHEET_NAMES,
         "crm:customer-list", gettext_lazy("%(new)s contacts imported; %(same)s were already there.")),
    Kind("deals", gettext_lazy("Import deals"), deal_import.DEAL_COLUMNS, deal_import.check_deals,
         deal_import.import_deals, deal_import.ImportRejected, ("商机", "deals"), "deals:deal-list",
         gettext_lazy("%(new)s deals imported; %(same)s were already there.")),
    Kind("payments", gettext_lazy("Import payments"), deal_import.PAYMENT_COLUMNS, deal_import.check_payments,
         deal_import.import_payments, deal_import.ImportRejected, ("回款", "payments"), "deals:deal-list",
         gettext_lazy("%(new)s payments imported; %(same)s were already there.")),
    Kind("targets", gettext_lazy("Import targets"), target_import.TARGET_COLUMNS, target_import.check_targets,
         target_import.import_targets, target_import.ImportRejected, ("目标", "targets"), "deals:target-list",
         gettext_lazy("%(new)s targets set; %(same)s were already there."), may=deal_policies.may_set_targets),
]}


def _kind_for(request, name):
    """The import of that kind, or a 404 for someone its policy leaves out."""
    kind = KINDS[name]
    if kind.may is not None and not kind.may(request.user):
        raise Http404
    return kind


CONFIRM_URLS = {"contacts": "contact-import-confirm", "deals": "deal-import-confirm",
                "payments": "payment-import-confirm", "targets": "target-import-confirm"}


def _opener(kind, relative, name):
    return lambda: open_table(private_path(relative), name, sheet_names=kind.sheet_names)


def _preview(request, kind, *, token, relative, name, columns=None, error=""):
    table = _opener(kind, relative, name)()
    if columns is None:
        columns = contact_import.guess_columns(table.headers, kind.columns)
    columns = (columns + [""] * len(table.headers))[:len(table.headers)]
    checked = kind.check(table=table, columns=columns, by=request.user)
    form = RecordColumnsForm(initial={"token": token}, headers=table.headers, columns=columns, known=kind.columns)
    return render(request, "transfers/contact_import.html", {
        "checked": checked, "columns_form": form, "name": name, "error": error, "kind": kind,
        "confirm_url": reverse(f"transfers:{CONFIRM_URLS[kind.name]}"),
    })


@require_http_methods(["GET", "POST"])
@may_import
def record_import_upload(request, kind):
    kind = _kind_for(request, kind)
    form = RecordUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        relative, path = new_private_file("imports", suffix_of(upload.name))
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            table = _opener(kind, relative, upload.name)()
            if not table.headers:
                raise ImportFileError(_("The file is empty: it needs a header row and at least one contact."))
        except ImportFileError as error:
            path.unlink(missing_ok=True)
            form.add_error("file", str(error))
        else:
            ticket = {"path": relative, "name": upload.name[:200], "by": request.user.pk, "kind": kind.name}
            token = signing.dumps(ticket, salt=SALT)
            return _preview(request, kind, token=token, relative=relative, name=upload.name)
    return render(request, "transfers/contact_import.html", {"form": form, "kind": kind})


@require_POST
@may_import
def record_import_confirm(request, kind):
    """"Check again" with other columns, or import. A refused row refuses the whole file."""
    token = request.POST.get("token", "")
    try:
        ticket = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    if ticket.get("by") != request.user.pk or ticket.get("kind", "contacts") != kind \
            or not private_path(ticket["path"]).exists():
        raise Http404
    kind = _kind_for(request, kind)
    relative, name = ticket["path"], ticket["name"]
    table = _opener(kind, relative, name)()
    form = RecordColumnsForm(request.POST, headers=table.headers, columns=[], known=kind.columns)
    if not form.is_valid():
        return _preview(request, kind, token=token, relative=relative, name=name,
                        error=" ".join(form.non_field_errors()))
    columns = form.cleaned_data["columns"]
    if request.POST.get("action") != "import":
        return _preview(request, kind, token=token, relative=relative, name=name, columns=columns)
    try:
        checked = kind.run(open_file=_opener(kind, relative, name), columns=columns, by=request.user, name=name)
    except kind.rejected as rejected:
        return _preview(request, kind, token=token, relative=relative, name=name, columns=columns,
                        error=_("Nothing was imported: %(count)s rows are refused. Correct them and upload the file again.")
                        % {"count": rejected.checked.bad})
    private_path(relative).unlink(missing_ok=True)
    messages.success(request, str(kind.done_message) % {"new": checked.new, "same": checked.same})
    return redirect(kind.done_url)
