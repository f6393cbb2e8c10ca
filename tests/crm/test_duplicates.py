import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Customer
from crm.phones import normalize_phone

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {"name": "新客户", "company": "", "phone": "", "type": "intention", "grade": "normal", "source": "self"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("typed", ["13700002222", "137-0000-2222", "+86 137 0000 2222", "0086 13700002222"])
def test_same_phone_in_any_format_is_refused_naming_only_the_holder(customers, cast, client_for, typed):
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), _form(phone=typed))
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "held by 李四, Group B" in message
    page = response.content.decode()
    assert "北京博远实业" not in page and "李四海" not in page  # the other customer's details stay hidden
    assert Customer.objects.filter(name="新客户").count() == 0


def test_same_name_and_company_is_refused(customers, cast, client_for):
    response = client_for(cast.sales2).post(reverse("crm:customer-create"), _form(name="李华", company="上海华为科技有限公司"))
    assert "held by 张三, Group A" in " ".join(response.context["form"].non_field_errors())


def test_a_duplicate_of_a_pool_customer_says_it_is_in_the_pool(customers, cast, client_for):
    response = client_for(cast.sales1).post(reverse("crm:customer-create"), _form(phone="136 0000 3333"))
    assert "isolation pool" in " ".join(response.context["form"].non_field_errors())


def test_editing_into_a_duplicate_is_refused(customers, cast, client_for):
    response = client_for(cast.sales1).post(
        reverse("crm:customer-edit", args=[customers.own.pk]), _form(name="李华", phone="13900001111")
    )
    assert "held by 赵六" in " ".join(response.context["form"].non_field_errors())
    customers.own.refresh_from_db()
    assert customers.own.phone == "138-0013-8000"


def test_saving_a_customer_unchanged_is_not_a_duplicate_of_itself(customers, cast, client_for):
    response = client_for(cast.sales1).post(
        reverse("crm:customer-edit", args=[customers.own.pk]),
        _form(name="李华", company="上海华为科技有限公司", phone="138-0013-8000"),
    )
    assert response.status_code == 302


def test_admin_may_override_the_duplicate_check(customers, cast, client_for):
    response = client_for(cast.admin).post(
        reverse("crm:customer-create"), _form(phone="13700002222", owner=cast.sales1.pk, override_duplicates="on")
    )
    assert response.status_code == 302
    assert Customer.objects.filter(normalized_phone="13700002222").count() == 2


def test_a_salesperson_cannot_override_by_posting_the_flag(customers, cast, client_for):
    client_for(cast.sales1).post(reverse("crm:customer-create"), _form(phone="13700002222", override_duplicates="on"))
    assert Customer.objects.filter(normalized_phone="13700002222").count() == 1


@pytest.mark.parametrize("phone", ["+86 138-0013-8000", "0086 (138) 0013 8000", "138 0013 8000", "+8613800138000", "021-6543 2100"])
def test_python_and_database_normalisation_agree(cast, phone):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(phone=phone, owner=cast.sales1)
    customer.refresh_from_db()
    assert customer.normalized_phone == normalize_phone(phone)


def test_the_name_and_company_check_reads_its_index(db):
    """Every save and every import asks for customers with the same name and company: without
    an index matching the question (case-insensitive) each one reads the whole table."""
    from django.db import connection

    from crm.services import find_duplicates

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as queries:
            find_duplicates(name="王芳", company="深圳科技", phone="")
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "crm_cust_name_company_ci" in plan
