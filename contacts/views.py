from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policies import require
from contacts import policies, services
from contacts.forms import ContactForm

CHANGED_MEANWHILE = _("Someone changed or removed this contact meanwhile: nothing was saved. Look again and retry.")


def _save(form, save):
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)  # a duplicate phone: under its field
    return None


@require(policies.may_use_contacts)
@require_http_methods(["GET", "POST"])
def contact_create(request, customer_pk):
    customer = policies.get_customer_for_contacts(request.user, customer_pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _save(form, lambda: services.contact_add(customer=customer, data=form.cleaned_data, by=request.user)):
            messages.success(request, _("Contact added."))
            return redirect(customer.get_absolute_url() + "#contacts")
    return render(request, "contacts/contact_form.html", {"form": form, "customer": customer, "contact": None})


@require(policies.may_use_contacts)
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = policies.get_contact_for(request.user, pk, write=True)
    form = ContactForm(request.POST or None, instance=contact, initial={"version": services.contact_version(contact)})
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(form, lambda: services.contact_edit(
                contact=contact, data=form.cleaned_data, by=request.user,
                expected_version=form.cleaned_data.get("version")))
        except services.ContactChanged:
            messages.error(request, CHANGED_MEANWHILE)
            return redirect(contact.customer.get_absolute_url() + "#contacts")
        if saved:
            messages.success(request, _("Contact saved."))
            return redirect(contact.customer.get_absolute_url() + "#contacts")
    return render(request, "contacts/contact_form.html", {
        "form": form, "customer": contact.customer, "contact": contact,
    })


@require(policies.may_use_contacts)
@require_POST
def contact_remove(request, pk):
    contact = policies.get_contact_for(request.user, pk, write=True)
    services.contact_remove(contact=contact, by=request.user)
    messages.success(request, _("Contact %(name)s removed; it stays in the customer's history.") % {"name": contact.name})
    return redirect(contact.customer.get_absolute_url() + "#contacts")
