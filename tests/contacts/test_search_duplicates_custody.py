"""A contact's name or phone finds its customer in the one search box (never past the policy);
a contact's phone takes part in the duplicate check (撞单) both ways; contacts follow their
customer through the pool, claims, reassignment and offboarding; birthdays for notifications."""

from datetime import date

import pytest
from django.urls import reverse

from contacts import search as contact_search
from contacts import selectors, services
from contacts.models import Contact
from crm.models import Customer
from crm import services as customer_services
from crm.reassignment import reassign
from crm.filters import CustomerFilterSet, PoolFilterSet, customer_list
from staff.offboarding import offboard
from tests.contacts.conftest import add_contact
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def names(user, q, fields=()):
    return sorted(customer_list(user, {"q": q, "fields": list(fields)}).values_list("name", flat=True))


def test_a_contacts_name_finds_its_customer(cast, book):
    assert names(cast.sales1, "欧阳") == ["上海宏达"]
    assert names(cast.sales1, "欧") == []  # one character: too broad for contacts
    assert names(cast.sales1, "1391") == []  # a few digits: too broad for contacts
    assert names(cast.sales1, "欧阳 宏达") == ["上海宏达"]  # a contact's term AND a customer's term


def test_a_contacts_phone_finds_its_customer_whatever_the_formatting(cast, book):
    assert names(cast.sales1, "13911112222") == ["上海宏达"]
    assert names(cast.admin, "66668888") == ["北京博远"]  # a landline, by its digits


def test_a_contacts_number_is_found_by_its_start_or_its_end(cast, book):
    assert names(cast.sales1, "1391111") == ["上海宏达"]
    assert names(cast.sales1, "11112222") == ["上海宏达"]
    assert names(cast.admin, "021-6666") == ["北京博远"]


def test_a_term_matching_too_many_contacts_searches_customers_only(cast, book, monkeypatch):
    monkeypatch.setattr(contact_search, "LITERAL_IDS", 0)
    assert names(cast.sales1, "欧阳") == []
    assert names(cast.sales1, "宏达") == ["上海宏达"]


def test_chosen_fields_decide_whether_contacts_count(cast, book):
    assert names(cast.sales1, "欧阳", fields=["name"]) == ["上海宏达"]
    assert names(cast.sales1, "13911112222", fields=["phone"]) == ["上海宏达"]
    assert names(cast.sales1, "欧阳", fields=["phone"]) == []
    assert names(cast.sales1, "欧阳", fields=["company"]) == []


def test_a_contact_never_reveals_a_customer_past_the_policy(cast, book):
    assert names(cast.sales1, "司马") == [] and names(cast.sup1, "司马") == []
    assert names(cast.sup2, "司马") == ["北京博远"] and names(cast.admin, "司马") == ["北京博远"]


def test_the_pool_search_finds_a_pool_customer_by_its_contact(cast, book):
    found = PoolFilterSet({"q": "诸葛"}, user=cast.sales1).qs
    assert [customer.name for customer in found] == ["深圳金桥"]


def test_walking_the_list_finds_contacts_too(cast, book):
    """A search read by walking the list's own order (many matches) gives the same customers."""
    rows, walk = CustomerFilterSet({"q": "欧阳"}, user=cast.sales1).rows_and_walk()
    assert [c.name for c in rows] == ["上海宏达"] and [c.name for c in walk] == ["上海宏达"]


def test_a_removed_contact_finds_nothing(cast, book):
    services.contact_remove(contact=book.own_contact, by=cast.sales1)
    assert names(cast.sales1, "欧阳") == []


def test_the_search_box_on_the_page_finds_a_customer_by_contact(cast, client_for, book):
    page = client_for(cast.sales1).get(reverse("crm:customer-list"), {"q": "欧阳"}).content.decode()
    assert "上海宏达" in page and "杭州天成" not in page


def test_a_contact_phone_held_by_a_colleagues_customer_is_refused(cast, client_for, book):
    response = client_for(cast.sales1).post(
        reverse("contacts:contact-create", args=[book.own.pk]),
        {"name": "撞单人", "mobile": "13800000003"}, HTTP_ACCEPT_LANGUAGE="zh-CN")  # 北京博远's own phone
    assert response.status_code == 200
    assert "李四" in response.content.decode() and "Group B" in response.content.decode()
    assert not Contact.objects.filter(name="撞单人").exists()


def test_a_contact_phone_held_by_another_customers_contact_is_refused(cast, client_for, book):
    response = client_for(cast.sales1).post(reverse("contacts:contact-create", args=[book.own.pk]),
                                            {"name": "撞单人", "landline": "(021) 6666-8888"})
    assert "same phone number" in response.content.decode()
    assert not Contact.objects.filter(name="撞单人").exists()


def test_a_customer_phone_equal_to_another_customers_contact_is_refused(cast, book):
    with pytest.raises(customer_services.DuplicateCustomer) as refused:
        customer_services.customer_create(data={"name": "新客户", "company": "新公司", "phone": "+86 139-3333-4444"},
                                          owner=cast.sales1, by=cast.sales1)
    assert "same phone number" in refused.value.messages[0] and "李四" in refused.value.messages[0]


def test_a_customers_own_phone_may_be_its_contacts(cast, book):
    contact = services.contact_add(customer=book.own, data={"name": "前台", "landline": "", "mobile": "13800000001"},
                                   by=cast.sales1)
    assert contact.normalized_mobile == "13800000001"
    customer_services.customer_update(customer=book.own, data={"notes": "改了备注"}, by=cast.sales1)


def test_a_removed_contacts_phone_is_free_again(cast, book):
    services.contact_remove(contact=book.other_contact, by=cast.sales2)
    services.contact_add(customer=book.own, data={"name": "接手", "mobile": "13933334444"}, by=cast.sales1)


def test_contacts_follow_their_customer_through_pool_claim_reassign_offboard(cast, client_for, book):
    contact = book.own_contact
    edit = reverse("contacts:contact-edit", args=[contact.pk])
    customer_services.customer_give_up(customer=book.own, reason="没进展", by=cast.sales1)
    assert client_for(cast.sales1).get(edit).status_code == 403  # seen in the pool, not changed
    customer_services.customer_claim(customer=book.own, by=cast.sales2)
    assert client_for(cast.sales1).get(edit).status_code == 404
    assert client_for(cast.sales2).get(edit).status_code == 200
    reassign(customers=Customer.objects.filter(pk=book.own.pk), to=cast.sales2b, by=cast.admin)
    assert client_for(cast.sales2b).get(edit).status_code == 200
    offboard(person=cast.sales2b, by=cast.admin)
    assert client_for(cast.sales2).get(edit).status_code == 403  # back in the pool with its contacts
    assert Contact.objects.get(pk=contact.pk).customer_id == book.own.pk
    assert list(Contact.objects.filter(customer=book.own, removed_at__isnull=True)) == [contact]


def test_birthdays_on_a_day_any_year(cast, book):
    born = add_contact(book.pool, name="寿星", birthday=date(1975, 3, 9), wechat="x")
    leap = add_contact(book.other_group, name="闰日", birthday=date(1984, 2, 29), wechat="y")
    add_contact(book.own, name="不是今天", birthday=date(1975, 3, 10), wechat="z")
    assert selectors.birthdays_on(date(2027, 3, 9)) == [(born, book.pool)]
    assert selectors.birthdays_on(date(2027, 2, 28)) == [(leap, book.other_group)]
    assert selectors.birthdays_on(date(2028, 2, 28)) == []
    services.contact_remove(contact=born, by=cast.admin)
    assert selectors.birthdays_on(date(2027, 3, 9)) == []


def test_another_groups_contact_ids_answer_404_and_change_nothing(cast, client_for, book):
    other = book.other_contact
    client = client_for(cast.sales1)
    for url in [reverse("contacts:contact-edit", args=[other.pk]),
                reverse("contacts:contact-create", args=[book.other_group.pk])]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "篡改", "mobile": "13700009999"}).status_code == 404
    assert client.post(reverse("contacts:contact-remove", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.name == "司马财务" and other.removed_at is None
    assert not Contact.objects.filter(name="篡改").exists()


def test_a_forged_customer_field_is_ignored(cast, client_for, book):
    client_for(cast.sales1).post(reverse("contacts:contact-create", args=[book.own.pk]),
                                 {"name": "伪造", "wechat": "w", "customer": book.other_group.pk,
                                  "created_by": cast.sales2.pk, "removed_at": "2020-01-01"})
    forged = Contact.objects.get(name="伪造")
    assert (forged.customer, forged.created_by, forged.removed_at) == (book.own, cast.sales1, None)


def test_the_customer_page_stays_within_its_queries_with_many_contacts(cast, client_for, book,
                                                                       django_assert_max_num_queries):
    for index in range(20):
        add_contact(book.own, name=f"联系人{index}", wechat=f"w{index}")
    client = client_for(cast.sales1)
    client.get(book.own.get_absolute_url())
    with django_assert_max_num_queries(40):
        page = client.get(book.own.get_absolute_url()).content.decode()
    assert "联系人19" in page


def test_a_customer_added_anew_gets_its_own_contacts(cast, book):
    fresh = CustomerFactory(name="新客户", owner=cast.sales1)
    assert selectors.customer_contacts(fresh) == []
