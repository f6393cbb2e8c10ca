"""The admin's pages of custom fields: add, edit, hide, reorder, delete with confirmation."""

import pytest
from django.urls import reverse

from crm.models import CustomerChange
from customfields.models import FieldDefinition
from tests.customfields.helpers import Kind, define
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _definition_form(**overrides):
    data = {"target": "customer", "key": "wechat", "label_zh_hans": "微信号", "label_en": "WeChat ID",
            "kind": "text", "order": "", "see": "all", "edit": "all", "group": "联系方式", "help_text": "",
            "choices_text": "", "searchable": "on", "unique": "on"}
    data.update(overrides)
    return data


def test_an_admin_adds_a_choice_field(cast, client_for):
    response = client_for(cast.admin).post(reverse("customfields:field-create"), _definition_form(
        key="segment", kind="choice", choices_text="retail | 零售 | Retail\nfactory | 制造", unique=""))
    assert response.status_code == 302
    definition = FieldDefinition.objects.get(key="segment")
    assert definition.choices == [{"key": "retail", "zh_hans": "零售", "en": "Retail"},
                                  {"key": "factory", "zh_hans": "制造", "en": "制造"}]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"key": "Bad Key"}, "key"),
    ({"kind": "choice"}, "choices_text"),
    ({"label_zh_hans": "x\x00"}, "label_zh_hans"),
    ({"label_en": "x" * 100_000}, "label_en"),
])
def test_a_bad_definition_is_refused(cast, client_for, overrides, field):
    response = client_for(cast.admin).post(reverse("customfields:field-create"), _definition_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FieldDefinition.objects.exists()


def test_the_key_is_unique_per_record_kind(cast, client_for):
    define("wechat")
    response = client_for(cast.admin).post(reverse("customfields:field-create"), _definition_form())
    assert response.status_code == 200
    assert FieldDefinition.objects.count() == 1
    response = client_for(cast.admin).post(reverse("customfields:field-create"), _definition_form(target="deal", unique=""))
    assert response.status_code == 302


def test_a_kind_change_that_would_break_data_is_refused_naming_the_field_and_count(cast, client_for):
    definition = define("budget", Kind.NUMBER, label_en="Budget")
    CustomerFactory(owner=cast.sales1, custom={"budget": "12"})
    CustomerFactory(owner=cast.sales1, custom={"budget": "13"})
    data = _definition_form(kind="date", order="10")
    response = client_for(cast.admin).post(reverse("customfields:field-edit", args=[definition.pk]), data)
    assert response.status_code == 200
    assert "Budget: 2 records hold values that are not a Date" in response.context["form"].errors["kind"][0]
    definition.refresh_from_db()
    assert definition.kind == Kind.NUMBER
    data = _definition_form(kind="text", order="10")
    assert client_for(cast.admin).post(reverse("customfields:field-edit", args=[definition.pk]), data).status_code == 302


def test_hide_and_reorder(cast, client_for):
    first, second = define("a", order=10), define("b", order=20)
    client = client_for(cast.admin)
    client.post(reverse("customfields:field-move", args=[second.pk]), {"direction": "up"})
    assert list(FieldDefinition.objects.order_by("order").values_list("key", flat=True)) == ["b", "a"]
    client.post(reverse("customfields:field-hide", args=[first.pk]), {"hidden": "1"})
    first.refresh_from_db()
    assert first.hidden


def test_deleting_a_field_with_data_asks_and_keeps_the_values_in_the_history(cast, client_for):
    definition = define("wechat")
    customer = CustomerFactory(owner=cast.sales1, custom={"wechat": "wx_keep", "other": "x"})
    client = client_for(cast.admin)
    page = client.get(reverse("customfields:field-delete", args=[definition.pk])).content.decode()
    assert "1 record holds a value" in page
    response = client.post(reverse("customfields:field-delete", args=[definition.pk]), {"confirm_count": "0"})
    assert FieldDefinition.objects.filter(pk=definition.pk).exists()  # the count changed: asked again
    response = client.post(reverse("customfields:field-delete", args=[definition.pk]), {"confirm_count": "1"})
    assert response.status_code == 302
    assert not FieldDefinition.objects.filter(pk=definition.pk).exists()
    customer.refresh_from_db()
    assert customer.custom == {"other": "x"}
    change = CustomerChange.objects.get(customer=customer)
    assert (change.field, change.old_value, change.new_value) == ("custom.wechat", "wx_keep", "")
