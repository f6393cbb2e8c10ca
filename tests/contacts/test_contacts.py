"""Contacts on the customer's page: added, edited, removed (kept), one primary, bad input refused
with a reason in the reader's language and nothing saved; concurrent edits told."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from contacts import services
from contacts.models import Contact, ContactChange
from tests.contacts.conftest import add_contact

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def form(**overrides):
    data = {"name": "王经理", "title": "采购经理", "role": "decision_maker", "mobile": "138 0013 8000",
            "landline": "", "wechat": "", "email": "", "birthday": "1980-05-06", "notes": ""}
    return {**data, **overrides}


def test_salesperson_can_add_a_contact_on_their_customers_page(cast, client_for, book):
    client = client_for(cast.sales1)
    response = client.post(reverse("contacts:contact-create", args=[book.own.pk]), form(), **ZH)
    assert response.status_code == 302
    contact = Contact.objects.get(name="王经理")
    assert (contact.customer, contact.created_by, contact.normalized_mobile) == (book.own, cast.sales1, "13800138000")
    assert contact.birthday.isoformat() == "1980-05-06"
    page = client.get(book.own.get_absolute_url(), **ZH).content.decode()
    assert "联系人" in page and "王经理" in page and "采购经理" in page and "决策人" in page
    assert 'href="tel:13800138000"' in page
    assert reverse("contacts:contact-edit", args=[contact.pk]) in page


def test_the_form_speaks_chinese_and_takes_machine_dates(cast, client_for, book):
    page = client_for(cast.sales1).get(reverse("contacts:contact-create", args=[book.own.pk]), **ZH).content.decode()
    assert "添加联系人" in page and "手机" in page and "座机" in page and "微信" in page and "生日" in page
    assert 'type="date"' in page and 'type="tel"' in page


@pytest.mark.parametrize("field, value, message", [
    ("mobile", "1380013800", "手机号"),  # 10 digits
    ("landline", "6666888", "区号"),  # no area code
    ("mobile", "abc-phone", "电话号码只能"),
    ("name", "王\x00经理", "Null"),
    ("notes", "很长" * 50_000, "2000"),
    ("name", "  ", "必填"),
    ("email", "not-an-email", "Email"),
    ("birthday", "2999-01-01", "生日"),
])
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(cast, client_for, book, field, value, message):
    before = Contact.objects.count()
    response = client_for(cast.sales1).post(reverse("contacts:contact-create", args=[book.own.pk]),
                                            form(**{field: value}), **ZH)
    assert response.status_code == 200
    errors = " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)
    assert message in errors or (message == "Null" and "空字符" in errors)
    assert Contact.objects.count() == before


def test_a_contact_needs_a_way_to_reach_them(cast, client_for, book):
    response = client_for(cast.sales1).post(reverse("contacts:contact-create", args=[book.own.pk]),
                                            form(mobile="", birthday=""), **ZH)
    assert "至少填写一种联系方式" in response.content.decode()
    assert not Contact.objects.filter(name="王经理").exists()


def test_a_new_primary_contact_takes_over_from_the_old_one(cast, book):
    second = services.contact_add(customer=book.own, data=form(is_primary=True, mobile=""), by=cast.sales1)
    book.own_contact.refresh_from_db()
    assert second.is_primary and not book.own_contact.is_primary
    assert ContactChange.objects.filter(contact=book.own_contact, action="edited").exists()


def test_the_database_holds_at_most_one_primary_per_customer(book):
    with pytest.raises(IntegrityError), transaction.atomic():
        add_contact(book.own, name="第二个", is_primary=True)
    add_contact(book.other_group, name="别家的主联系人", is_primary=True)  # another customer: fine


def test_editing_keeps_what_it_was(cast, client_for, book):
    contact = book.own_contact
    url = reverse("contacts:contact-edit", args=[contact.pk])
    version = client_for(cast.sales1).get(url).context["form"]["version"].value()
    response = client_for(cast.sales1).post(url, form(name="欧阳总", mobile=contact.mobile, version=version))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "欧阳总"
    change = ContactChange.objects.get(contact=contact, action="edited")
    assert change.before["name"] == "欧阳采购" and change.by == cast.sales1


def test_the_later_of_two_edits_is_told_and_saves_nothing(cast, client_for, book):
    contact = book.own_contact
    url = reverse("contacts:contact-edit", args=[contact.pk])
    stale = client_for(cast.sales1).get(url).context["form"]["version"].value()
    services.contact_edit(contact=contact, data={"title": "总监"}, by=cast.sup1)
    response = client_for(cast.sales1).post(url, form(name="被覆盖", mobile=contact.mobile, version=stale),
                                            follow=True, **ZH)
    contact.refresh_from_db()
    assert contact.name == "欧阳采购" and contact.title == "总监"
    assert "有人刚修改或移除了这个联系人" in response.content.decode()


def test_removing_keeps_the_contact_in_the_history(cast, client_for, book):
    contact = book.own_contact
    client = client_for(cast.sales1)
    assert client.post(reverse("contacts:contact-remove", args=[contact.pk])).status_code == 302
    contact.refresh_from_db()
    assert contact.removed_at is not None and contact.removed_by == cast.sales1 and not contact.is_primary
    assert ContactChange.objects.filter(contact=contact, action="removed").exists()
    page = client.get(book.own.get_absolute_url(), **ZH).content.decode()
    assert "已移除" in page and "欧阳采购" in page
    # Gone from every contact URL, like one that never existed.
    assert client.get(reverse("contacts:contact-edit", args=[contact.pk])).status_code == 404
    assert client.post(reverse("contacts:contact-remove", args=[contact.pk])).status_code == 404


def test_a_pool_customers_contacts_are_shown_but_not_changed(cast, client_for, book):
    page = client_for(cast.sales1).get(book.pool.get_absolute_url()).content.decode()
    assert "诸葛老板" in page
    assert reverse("contacts:contact-edit", args=[book.pool_contact.pk]) not in page
    assert reverse("contacts:contact-create", args=[book.pool.pk]) not in page


def test_backup_operator_sees_no_contact_section(cast, client_for, book):
    assert client_for(cast.backup).get(book.own.get_absolute_url()).status_code == 404


def test_a_conversation_can_name_the_contact_it_was_with(cast, client_for, book):
    client = client_for(cast.sales1)
    url = reverse("crm:followup-create", args=[book.own.pk])
    page = client.get(url, **ZH).content.decode()
    assert "沟通对象" in page and "欧阳采购" in page
    response = client.post(url, {"subject": "报价", "content": "谈了价格", "occurred_at": "2026-01-05T10:00",
                                  "extra_contact": book.own_contact.pk})
    assert response.status_code == 302
    followup = book.own.followups.get()
    assert followup.contact_link.contact == book.own_contact
    detail = client.get(followup.get_absolute_url(), **ZH).content.decode()
    assert "沟通对象" in detail and "欧阳采购" in detail


def test_another_customers_contact_cannot_be_named(cast, client_for, book):
    url = reverse("crm:followup-create", args=[book.own.pk])
    response = client_for(cast.sales1).post(url, {"subject": "报价", "content": "谈了", "occurred_at": "2026-01-05T10:00",
                                                   "extra_contact": book.other_contact.pk})
    assert response.status_code == 200 and not book.own.followups.exists()


def test_a_customer_without_contacts_offers_no_choice(cast, client_for, book):
    page = client_for(cast.sales1).get(reverse("crm:followup-create", args=[book.same_group.pk])).status_code
    assert page == 404
    page = client_for(cast.sup1).get(reverse("crm:followup-create", args=[book.same_group.pk]), **ZH)
    assert "沟通对象" not in page.content.decode()
