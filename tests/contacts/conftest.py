import pytest

from contacts.models import Contact
from tests.factories import CustomerFactory


def add_contact(customer, **fields):
    fields.setdefault("name", "联系人")
    return Contact.objects.create(customer=customer, created_by=customer.owner, **fields)


@pytest.fixture
def book(cast):
    """A customer per relation (seen from sales1 and sup1), each with a contact."""

    class Book:
        own = CustomerFactory(name="上海宏达", company="上海宏达贸易", phone="13800000001", owner=cast.sales1)
        same_group = CustomerFactory(name="杭州天成", company="杭州天成", phone="13800000002", owner=cast.sales1b)
        other_group = CustomerFactory(name="北京博远", company="北京博远", phone="13800000003", owner=cast.sales2)
        pool = CustomerFactory(name="深圳金桥", company="深圳金桥", phone="13800000004", owner=None,
                               created_by=cast.sales2)

    Book.own_contact = add_contact(Book.own, name="欧阳采购", mobile="139 1111 2222", is_primary=True)
    Book.other_contact = add_contact(Book.other_group, name="司马财务", mobile="13933334444",
                                     landline="021-6666 8888")
    Book.pool_contact = add_contact(Book.pool, name="诸葛老板", wechat="zhuge")
    return Book
