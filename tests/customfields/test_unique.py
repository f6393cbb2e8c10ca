"""A customer custom field marked unique takes part in the duplicate check (撞单, issue 23): the
same refusal as a duplicate phone, naming only who holds the other customer."""

import pytest
from django.urls import reverse

from crm import services
from crm.models import Customer
from customfields.forms import DefinitionForm
from tests.customfields.helpers import Kind, define
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {"name": "新客户", "company": "", "phone": "", "type": "intention", "grade": "normal", "source": "self"}
    return {**data, **overrides}


def _edit_form(client, customer):
    form = client.get(reverse("crm:customer-edit", args=[customer.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if not form.fields[name].disabled and name != "photo"}
    return {name: ("" if value is None else value) for name, value in data.items()}


def test_a_unique_value_another_customer_holds_is_refused_naming_only_the_holder(cast, client_for):
    define("wechat", unique=True, label_en="WeChat ID")
    CustomerFactory(owner=cast.sales2, name="李四海", company="北京博远实业", custom={"wechat": "wx_li"})
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), _form(cf_wechat="wx_li"))
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "the same WeChat ID" in message and "held by 李四, Group B" in message
    page = response.content.decode()
    assert "北京博远实业" not in page and "李四海" not in page
    assert not Customer.objects.filter(name="新客户").exists()


def test_the_message_is_in_chinese_for_a_chinese_user(cast, client_for):
    define("wechat", unique=True, label_zh_hans="微信号")
    CustomerFactory(owner=cast.sales2, custom={"wechat": "wx_li"})
    client = client_for(cast.sales1)
    response = client.post(reverse("crm:customer-create"), _form(cf_wechat="wx_li"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "有相同微信号的客户" in " ".join(response.context["form"].non_field_errors())


def test_a_field_not_marked_unique_may_repeat(cast, client_for):
    define("wechat")
    CustomerFactory(owner=cast.sales2, custom={"wechat": "wx_li"})
    assert client_for(cast.sales1).post(reverse("crm:customer-create"), _form(cf_wechat="wx_li")).status_code == 302


def test_editing_into_a_held_value_is_refused_and_saving_unchanged_is_not_a_duplicate_of_itself(cast, client_for):
    define("wechat", unique=True)
    CustomerFactory(owner=cast.sales2, custom={"wechat": "wx_li"})
    mine = CustomerFactory(owner=cast.sales1, custom={"wechat": "wx_mine"})
    client = client_for(cast.sales1)
    url = reverse("crm:customer-edit", args=[mine.pk])
    assert client.post(url, _edit_form(client, mine)).status_code == 302
    response = client.post(url, {**_edit_form(client, mine), "cf_wechat": "wx_li"})
    assert response.status_code == 200 and "the same" in " ".join(response.context["form"].non_field_errors())
    mine.refresh_from_db()
    assert mine.custom == {"wechat": "wx_mine"}


def test_the_service_refuses_too_and_an_admin_may_override(cast):
    define("tax_no", unique=True)
    CustomerFactory(owner=cast.sales2, custom={"tax_no": "91330100"})
    with pytest.raises(services.DuplicateCustomer):
        services.customer_create(data={"name": "甲", "custom": {"tax_no": "91330100"}}, owner=cast.sales1, by=cast.sales1)
    created = services.customer_create(data={"name": "乙", "custom": {"tax_no": "91330100"}}, owner=cast.sales1,
                                       by=cast.admin, override_duplicates=True)
    assert created.custom == {"tax_no": "91330100"}


def test_only_a_customers_scalar_field_can_be_unique():
    base = {"key": "x", "label_zh_hans": "x", "label_en": "x", "order": "", "see": "all", "edit": "all",
            "group": "", "help_text": "", "choices_text": "a | A | A", "unique": "on"}
    assert "unique" in DefinitionForm({**base, "target": "customer", "kind": Kind.MULTI_CHOICE}).errors
    assert "unique" in DefinitionForm({**base, "target": "deal", "kind": Kind.TEXT}).errors
    assert DefinitionForm({**base, "target": "customer", "kind": Kind.TEXT}).is_valid()


def test_marking_a_field_unique_is_refused_while_customers_share_a_value(cast, client_for):
    definition = define("wechat", label_en="WeChat ID")
    CustomerFactory(owner=cast.sales1, custom={"wechat": "wx_same"})
    CustomerFactory(owner=cast.sales2, custom={"wechat": "wx_same"})
    CustomerFactory(owner=cast.sales2, custom={"wechat": "wx_other"})
    data = {"label_zh_hans": "微信号", "label_en": "WeChat ID", "kind": "text", "order": "10", "see": "all",
            "edit": "all", "group": "", "help_text": "", "choices_text": "", "unique": "on"}
    url = reverse("customfields:field-edit", args=[definition.pk])
    response = client_for(cast.admin).post(url, data)
    assert response.status_code == 200 and "wx_same" in " ".join(response.context["form"].errors["unique"])
    definition.refresh_from_db()
    assert not definition.unique
    Customer.objects.filter(custom__wechat="wx_same").first().delete()
    assert client_for(cast.admin).post(url, data).status_code == 302
    definition.refresh_from_db()
    assert definition.unique
