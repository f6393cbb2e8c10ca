"""The contacts import (issue 25): upload, see every row checked, change the columns if needed,
import. The upload is kept privately; the preview's form carries a signed, expiring reference to
it that only its uploader can use (another person's, a forged or an old one is a 404)."""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import require
from transfers import contact_import, policies
from transfers.forms import ContactColumnsForm, ContactUploadForm
from transfers.jobs import new_private_file, private_path, suffix_of
from transfers.reader import ImportFileError, open_table

SALT = "transfers.contact-import"
MAX_AGE = 24 * 3600
may_import = require(policies.may_import)


def _opener(relative, name):
    return lambda: open_table(private_path(relative), name, sheet_names=contact_import.SHEET_NAMES)


def _preview(request, *, token, relative, name, columns=None, error=""):
    table = _opener(relative, name)()
    if columns is None:
        columns = contact_import.guess_columns(table.headers)
    columns = (columns + [""] * len(table.headers))[:len(table.headers)]
    checked = contact_import.check_table(table=table, columns=columns, by=request.user)
    form = ContactColumnsForm(initial={"token": token}, headers=table.headers, columns=columns)
    return render(request, "transfers/contact_import.html", {
        "checked": checked, "columns_form": form, "name": name, "error": error,
    })


@require_http_methods(["GET", "POST"])
@may_import
def contact_import_upload(request):
    form = ContactUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        relative, path = new_private_file("imports", suffix_of(upload.name))
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            table = _opener(relative, upload.name)()
            if not table.headers:
                raise ImportFileError(_("The file is empty: it needs a header row and at least one contact."))
        except ImportFileError as error:
            path.unlink(missing_ok=True)
            form.add_error("file", str(error))
        else:
            token = signing.dumps({"path": relative, "name": upload.name[:200], "by": request.user.pk}, salt=SALT)
            return _preview(request, token=token, relative=relative, name=upload.name)
    return render(request, "transfers/contact_import.html", {"form": form})


@require_POST
@may_import
def contact_import_confirm(request):
    """"Check again" with other columns, or import. A refused row refuses the whole file."""
    token = request.POST.get("token", "")
    try:
        ticket = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    if ticket.get("by") != request.user.pk or not private_path(ticket["path"]).exists():
        raise Http404
    relative, name = ticket["path"], ticket["name"]
    table = _opener(relative, name)()
    form = ContactColumnsForm(request.POST, headers=table.headers, columns=[])
    if not form.is_valid():
        return _preview(request, token=token, relative=relative, name=name, error=" ".join(form.non_field_errors()))
    columns = form.cleaned_data["columns"]
    if request.POST.get("action") != "import":
        return _preview(request, token=token, relative=relative, name=name, columns=columns)
    try:
        checked = contact_import.import_contacts(open_file=_opener(relative, name), columns=columns, by=request.user,
                                                 name=name)
    except contact_import.ContactImportRejected as rejected:
        return _preview(request, token=token, relative=relative, name=name, columns=columns,
                        error=_("Nothing was imported: %(count)s rows are refused. Correct them and upload the file again.")
                        % {"count": rejected.checked.bad})
    private_path(relative).unlink(missing_ok=True)
    messages.success(request, _("%(new)s contacts imported; %(same)s were already there.")
                     % {"new": checked.new, "same": checked.same})
    return redirect("crm:customer-list")
