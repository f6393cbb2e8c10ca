"""Custom fields on the customer's forms and page, with field-level permission on the server."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services
from crm.models import Customer, CustomerChange
from customfields.models import FieldDefinition
from tests.customfields.helpers import INDUSTRY_CHOICES, Kind, define
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
Access = FieldDefinition.Access


def _form(**overrides):
    data = {"name": "陈晓明", "company": "成都天成机械", "phone": "15811112222", "type": "intention",
            "grade": "normal", "source": "referral", "industry": "", "gender": "male", "job_title": "",
            "address": "", "notes": ""}
    data.update(overrides)
    return data


def _edit_form(client, customer):
    form = client.get(reverse("crm:customer-edit", args=[customer.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if not form.fields[name].disabled and name != "photo"}
    return {name: ("" if value is None else value) for name, value in data.items()}


def test_a_new_customer_keeps_its_custom_values(cast, client_for):
    define("wechat", group="联系方式", required=True)
    define("budget", Kind.MONEY)
    define("segment", Kind.CHOICE, choices=INDUSTRY_CHOICES)
    response = client_for(cast.sales1).post(reverse("crm:customer-create"),
                                            _form(cf_wechat="wx_chen", cf_budget="50000", cf_segment="retail"))
    assert response.status_code == 302
    customer = Customer.objects.get(name="陈晓明")
    assert customer.custom == {"wechat": "wx_chen", "budget": "50000.00", "segment": "retail"}
    page = client_for(cast.sales1).get(customer.get_absolute_url()).content.decode()
    assert "wx_chen" in page and "¥50,000.00" in page and "Retail" in page


def test_a_bad_value_or_a_missing_required_one_saves_nothing(cast, client_for):
    define("wechat", required=True)
    define("budget", Kind.MONEY)
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), _form(cf_budget="abc"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "cf_wechat" in errors and "cf_budget" in errors
    assert not Customer.objects.filter(name="陈晓明").exists()


def test_the_form_groups_custom_fields_under_their_heading(cast, client_for):
    define("wechat", group="联系方式")
    page = client_for(cast.sales1).get(reverse("crm:customer-create")).content.decode()
    assert 'custom-field-group">联系方式</h2>' in page


def test_saving_the_edit_form_unchanged_keeps_every_value(cast, client_for):
    define("wechat")
    define("secret", see=Access.ADMINS, edit=Access.ADMINS)
    define("old", hidden=True)
    customer = CustomerFactory(owner=cast.sales1, custom={"wechat": "wx1", "secret": "s", "old": "o"})
    client = client_for(cast.sales1)
    response = client.post(reverse("crm:customer-edit", args=[customer.pk]), _edit_form(client, customer))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.custom == {"wechat": "wx1", "secret": "s", "old": "o"}
    assert not CustomerChange.objects.filter(customer=customer).exists()


def test_an_edit_is_recorded_in_the_history(cast, client_for):
    define("wechat", label_en="WeChat ID")
    customer = CustomerFactory(owner=cast.sales1, custom={"wechat": "wx1"})
    client = client_for(cast.sales1)
    data = _edit_form(client, customer) | {"cf_wechat": "wx2"}
    assert client.post(reverse("crm:customer-edit", args=[customer.pk]), data).status_code == 302
    change = CustomerChange.objects.get(customer=customer)
    assert (change.field, change.old_value, change.new_value) == ("custom.wechat", "wx1", "wx2")
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "WeChat ID “wx1” → “wx2”" in page


@pytest.mark.parametrize(("role", "sees", "edits"), [
    ("sales1", False, False), ("sup1", True, False), ("admin", True, True),
])
def test_field_level_permission_is_kept_on_the_server(cast, client_for, role, sees, edits):
    define("margin", see=Access.MANAGEMENT, edit=Access.ADMINS, label_en="Margin")
    customer = CustomerFactory(owner=cast.sales1, custom={"margin": "secret-margin"})
    services.customer_update(customer=customer, data={"custom": {"margin": "secret-margin-2"}}, by=cast.admin)
    user = getattr(cast, role)
    client = client_for(user)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert ("secret-margin-2" in page) is sees
    assert ("secret-margin" in page) is sees  # the history too
    form = client.get(reverse("crm:customer-edit", args=[customer.pk])).context["form"]
    assert ("cf_margin" in form.fields) is sees
    if sees:
        assert form.fields["cf_margin"].disabled is not edits
    data = _edit_form(client, customer) | {"cf_margin": "forged"}
    assert client.post(reverse("crm:customer-edit", args=[customer.pk]), data).status_code == 302
    customer.refresh_from_db()
    assert customer.custom["margin"] == ("forged" if edits else "secret-margin-2")


def test_the_service_refuses_a_value_of_the_wrong_kind(cast):
    define("budget", Kind.MONEY)
    customer = CustomerFactory(owner=cast.sales1)
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, data={"custom": {"budget": "lots"}}, by=cast.sales1)
    customer.refresh_from_db()
    assert customer.custom == {}
