"""The admin's pages of custom fields: list, add, edit, hide, reorder, delete."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from customfields import policies, services
from customfields.forms import DefinitionForm
from customfields.models import FieldDefinition


@require(policies.may_manage_fields)
@require_GET
def field_list(request):
    definitions = FieldDefinition.objects.order_by("target", "order", "id")
    targets = [(label, [d for d in definitions if d.target == value])
               for value, label in FieldDefinition.Target.choices]
    return render(request, "customfields/field_list.html", {"targets": targets})


def _form_page(request, instance):
    form = DefinitionForm(request.POST or None, instance=instance,
                          initial={"target": request.GET.get("target")} if instance is None else None)
    if request.method == "POST" and form.is_valid():
        services.save_definition(form, by=request.user)
        messages.success(request, _("Field %(label)s saved.") % {"label": form.instance.label})
        return redirect("customfields:field-list")
    return render(request, "customfields/field_form.html", {"form": form, "definition": instance})


@require(policies.may_manage_fields)
@require_http_methods(["GET", "POST"])
def field_create(request):
    return _form_page(request, None)


@require(policies.may_manage_fields)
@require_http_methods(["GET", "POST"])
def field_edit(request, pk):
    return _form_page(request, get_object_or_404(FieldDefinition, pk=pk))


@require(policies.may_manage_fields)
@require_POST
def field_hide(request, pk):
    definition = get_object_or_404(FieldDefinition, pk=pk)
    services.set_hidden(definition, hidden=request.POST.get("hidden") == "1", by=request.user)
    return redirect("customfields:field-list")


@require(policies.may_manage_fields)
@require_POST
def field_move(request, pk):
    definition = get_object_or_404(FieldDefinition, pk=pk)
    services.move(definition, up=request.POST.get("direction") == "up", by=request.user)
    return redirect("customfields:field-list")


@require(policies.may_manage_fields)
@require_http_methods(["GET", "POST"])
def field_delete(request, pk):
    definition = get_object_or_404(FieldDefinition, pk=pk)
    holding = services.count_holding(definition)
    if request.method == "POST":
        if holding and request.POST.get("confirm_count") != str(holding):
            messages.error(request, _("The number of records holding a value changed: check it and confirm again."))
        else:
            with transaction.atomic():
                services.delete_definition(definition, by=request.user)
            messages.success(request, _("Field %(label)s deleted.") % {"label": definition.label})
            return redirect("customfields:field-list")
    return render(request, "customfields/field_delete.html", {"definition": definition, "holding": holding})
