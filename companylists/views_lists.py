"""The lists page (admins): every list of the company, and the settings page of each simple list
(sources, industries, give-up reasons): add, rename, reorder, retire/offer again, delete unused."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import require
from companylists import services, usage
from companylists.forms import EntryForm
from companylists.models import Entry
from companylists.policies import get_entry_for, may_edit_lists, visible_entries

editors = require(may_edit_lists)
LAST_ACTIVE = gettext_lazy("The last active entry of this list cannot be retired or deleted: the forms need one.")
HELP = {
    Entry.List.SOURCE: gettext_lazy("Where a customer came from: on customers and deals, in filters, reports, imports and exports."),
    Entry.List.INDUSTRY: gettext_lazy("Offered on the customer form. An industry typed before it was listed stays on its customers as written."),
    Entry.List.GIVE_UP: gettext_lazy("Offered when a salesperson gives a customer up to the pool; the pool shows the reason."),
}


def _list_of(list_slug: str) -> str:
    name = list_slug.replace("-", "_")
    if name not in Entry.List.values:
        raise Http404
    return name


def _title(list_name: str) -> str:
    return str(Entry.List(list_name).label)


def _back(list_name: str):
    return redirect("companylists:entries", list_slug=list_name.replace("_", "-"))


@require_http_methods(["GET"])
@editors
def index(request):
    links = [(reverse("companylists:grades"), _("Grades"))]
    links += [(reverse("companylists:entries", args=[value.replace("_", "-")]), label)
              for value, label in Entry.List.choices]
    links += [(reverse(name), label) for name, label in usage.PAGES]  # other apps' lists
    return render(request, "companylists/index.html", {"links": links})


@require_http_methods(["GET"])
@editors
def entry_list(request, list_slug):
    list_name = _list_of(list_slug)
    return render(request, "companylists/entry_list.html", {
        "entries": list(visible_entries(request.user, list_name).order_by("order", "id")),
        "title": _title(list_name), "help": HELP.get(list_name, ""), "list_slug": list_slug,
    })


@require_http_methods(["GET", "POST"])
@editors
def entry_edit(request, list_slug, pk=None):
    list_name = _list_of(list_slug)
    entry = get_entry_for(request.user, list_name, pk) if pk else Entry(list=list_name, active=True)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            services.entry_save(form.instance, by=request.user, request=request)
            messages.success(request, _("%(label)s saved.") % {"label": form.instance.label})
        return _back(list_name)
    return render(request, "companylists/entry_form.html", {
        "form": form, "entry": entry, "creating": not pk, "title": _title(list_name), "list_slug": list_slug,
        "used": usage.count(list_name, entry.key) if pk else 0,
    })


@require_POST
@editors
def entry_active(request, list_slug, pk):
    list_name = _list_of(list_slug)
    entry = get_entry_for(request.user, list_name, pk)
    active = request.POST.get("active") == "1"
    try:
        services.entry_set_active(entry, active=active, by=request.user, request=request)
    except ValueError:
        messages.error(request, str(LAST_ACTIVE))
        return _back(list_name)
    messages.success(request, (_("%(label)s is offered again.") if active else
                               _("%(label)s retired: records that have it keep it, new choices cannot take it."))
                     % {"label": entry.label})
    return _back(list_name)


@require_POST
@editors
def entry_move(request, list_slug, pk):
    list_name = _list_of(list_slug)
    services.entry_move(get_entry_for(request.user, list_name, pk), up=request.POST.get("up") == "1",
                        by=request.user, request=request)
    return _back(list_name)


@require_POST
@editors
def entry_delete(request, list_slug, pk):
    list_name = _list_of(list_slug)
    entry = get_entry_for(request.user, list_name, pk)
    try:
        used = services.entry_delete(entry, by=request.user, request=request)
    except ValueError:
        messages.error(request, str(LAST_ACTIVE))
        return _back(list_name)
    if used:
        messages.error(request, _("%(count)d records have %(label)s: it cannot be deleted, retire it instead.")
                       % {"count": used, "label": entry.label})
    else:
        messages.success(request, _("%(label)s deleted.") % {"label": entry.label})
    return _back(list_name)
