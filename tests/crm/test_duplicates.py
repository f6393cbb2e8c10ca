import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.phones import normalize_phone
from crm.models import Customer

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


def test_the_same_name_alone_is_a_warning_naming_only_the_holder_and_keeping_what_was_typed(customers, cast, client_for):
    """张伟 entered twice by two salespeople went through silently."""
    client = client_for(cast.sales1)
    typed = _form(name="李四海", company="另一家公司", phone="13512345678", notes="展会上认识的", job_title="采购")
    response = client.post(reverse("crm:customer-create"), typed)
    assert response.status_code == 200 and Customer.objects.filter(name="李四海").count() == 1
    form = response.context["form"]
    assert "A customer with the same name is already held by 李四, Group B." in form.non_field_errors()
    page = response.content.decode()
    assert "北京博远实业" not in page and "13700002222" not in page  # nothing else about the other customer
    for value in ("另一家公司", "13512345678", "展会上认识的", "采购"):
        assert value in page  # every typed value is still there
    assert 'name="same_name_confirmed"' in page
    response = client.post(reverse("crm:customer-create"), {**typed, "same_name_confirmed": "on"})
    assert response.status_code == 302
    saved = Customer.objects.get(name="李四海", owner=cast.sales1)
    assert (saved.company, saved.phone, saved.notes) == ("另一家公司", "13512345678", "展会上认识的")


def test_a_new_customer_form_does_not_offer_the_confirmation_before_a_namesake_is_found(cast, client_for):
    page = client_for(cast.sales1).get(reverse("crm:customer-create")).content.decode()
    assert "same_name_confirmed" not in page


@pytest.mark.parametrize("forged", [{"same_name_confirmed": "on"}, {"same_name_confirmed": "on", "override_duplicates": "on"}])
def test_a_forged_confirmation_never_lets_the_same_phone_or_name_and_company_through(customers, cast, client_for, forged):
    client = client_for(cast.sales1)
    for duplicate in ({"name": "李四海", "phone": "137 0000 2222"}, {"name": "李四海", "company": "北京博远实业"}):
        response = client.post(reverse("crm:customer-create"), _form(**duplicate, **forged))
        assert "held by 李四, Group B" in " ".join(response.context["form"].non_field_errors())
    assert Customer.objects.filter(name="李四海").count() == 1


def test_editing_asks_about_a_namesake_only_when_the_name_changes(customers, cast, client_for):
    client = client_for(cast.sales1)
    url = reverse("crm:customer-edit", args=[customers.own.pk])
    response = client.post(url, _form(name="王芳", company="上海华为科技有限公司", phone="138-0013-8000"))
    assert "A customer with the same name is already held by 赵六, Group A." in response.context["form"].non_field_errors()
    customers.own.refresh_from_db()
    assert customers.own.name == "李华"
    response = client.post(url, _form(name="王芳", company="上海华为科技有限公司", phone="138-0013-8000",
                                      same_name_confirmed="on"))
    assert response.status_code == 302
    # Now two 王芳: saving either one again, name unchanged, asks nothing.
    response = client.post(url, _form(name="王芳", company="上海华为科技有限公司", phone="138-0013-8000", job_title="经理"))
    assert response.status_code == 302


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
