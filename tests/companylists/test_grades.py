"""Grades are the company's list: their cadences drive overdue, to-visit and recycling; admins edit
them on a settings page; a retired grade stays on old records but is not offered for new ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companylists import grades, services
from companylists.models import Grade
from crm import services as crm_services
from crm.filters import CustomerFilterSet
from crm.forms import CustomerForm, CustomerGradeForm
from crm.models import Custody, Customer
from crm.selectors import overdue_q, recycle_soon
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FORM = {
    "key": "a",
    "label_zh_hans": "A类",
    "label_en": "Class A",
    "cadence_days": "3",
    "recycle_days": "20",
}


def _add_grade(admin, **values):
    return services.grade_save(
        Grade(
            **{
                "key": "a",
                "label_zh_hans": "A类",
                "label_en": "Class A",
                "cadence_days": 3,
                "recycle_days": 20,
                **values,
            }
        ),
        by=admin,
    )


def _customer(owner, *, grade, contacted_days_ago=None, created_days_ago=0):
    now = timezone.now()
    return CustomerFactory(
        owner=owner,
        grade=grade,
        created_at=now - timedelta(days=created_days_ago),
        last_contact_at=None
        if contacted_days_ago is None
        else now - timedelta(days=contacted_days_ago),
    )


def _overdue(pks):
    return set(
        Customer.objects.filter(overdue_q(), pk__in=pks).values_list("pk", flat=True)
    )


def test_the_seeded_grades_carry_todays_environment_values():
    assert [
        (g.key, g.cadence_days, g.recycle_days, g.is_key_grade)
        for g in Grade.objects.all()
    ] == [("normal", 30, 90, False), ("vip", 7, 180, True)]
    grades.forget()
    assert (
        grades.keys() == ["normal", "vip"]
        and grades.key_grade() == "vip"
        and grades.default_key() == "normal"
    )


def test_a_third_grade_with_a_three_day_cadence_is_overdue_after_three_days(cast):
    _add_grade(cast.admin)
    late = _customer(cast.sales1, grade="a", contacted_days_ago=4)
    fresh = _customer(cast.sales1, grade="a", contacted_days_ago=2)
    normal = _customer(cast.sales1, grade="normal", contacted_days_ago=4)
    assert _overdue([late.pk, fresh.pk, normal.pk]) == {late.pk}


def test_a_new_customer_of_the_grade_is_to_be_visited_after_its_cadence(cast):
    _add_grade(cast.admin)
    customer = crm_services.customer_create(
        data={"name": "甲", "phone": "13800000001", "grade": "a"},
        owner=cast.sales1,
        by=cast.sales1,
    )
    assert customer.next_contact_on == timezone.localdate() + timedelta(days=3)


def test_a_customer_claimed_from_the_pool_gets_its_grades_cadence(cast):
    _add_grade(cast.admin)
    customer = CustomerFactory(
        owner=None, grade="a", pooled_at=timezone.now() - timedelta(days=30)
    )
    crm_services.customer_claim(customer=customer, by=cast.sales1)
    customer.refresh_from_db()
    assert (
        customer.owner == cast.sales1
        and customer.next_contact_on == timezone.localdate() + timedelta(days=3)
    )


def test_editing_a_cadence_on_the_settings_page_changes_the_overdue_list(
    cast, client_for
):
    customer = _customer(cast.sales1, grade="normal", contacted_days_ago=10)
    assert _overdue([customer.pk]) == set()
    normal = Grade.objects.get(key="normal")
    response = client_for(cast.admin).post(
        reverse("companylists:grade-edit", args=[normal.pk]),
        {
            "label_zh_hans": "普通",
            "label_en": "Normal",
            "cadence_days": "5",
            "recycle_days": "90",
        },
    )
    assert response.status_code == 302
    assert _overdue([customer.pk]) == {customer.pk}


def test_recycling_uses_each_grades_own_days(cast):
    _add_grade(cast.admin, recycle_days=20)
    due = _customer(cast.sales1, grade="a", contacted_days_ago=21)
    kept = _customer(cast.sales1, grade="a", contacted_days_ago=19)
    normal = _customer(cast.sales1, grade="normal", contacted_days_ago=21)
    done = crm_services.pool_recycle()
    assert done["a"] == 1 and done["normal"] == 0
    assert set(
        Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True)
    ) == {due.pk}
    assert (
        "20" in Custody.objects.get(customer=due, reason=Custody.Reason.RECYCLED).note
    )
    soon = recycle_soon(cast.sales1, within_days=3)
    assert [c.pk for c in soon] == [kept.pk] and soon[0].recycle_after_days == 20
    assert normal.pk not in {c.pk for c in soon}


def test_retiring_a_grade_keeps_it_on_old_records_and_out_of_new_choices(
    cast, client_for
):
    grade = _add_grade(cast.admin)
    old = _customer(cast.sales1, grade="a")
    client = client_for(cast.admin)
    assert (
        client.post(
            reverse("companylists:grade-active", args=[grade.pk]), {"active": "0"}
        ).status_code
        == 302
    )
    assert not Grade.objects.get(pk=grade.pk).active
    assert "a" not in dict(CustomerForm(user=cast.sales1).fields["grade"].choices)
    assert "a" in dict(
        CustomerForm(instance=old, user=cast.sales1).fields["grade"].choices
    )  # still its own
    assert not CustomerGradeForm({"grade": "a"}).is_valid()
    assert CustomerGradeForm({"grade": "a"}, current="a").is_valid()
    filters = CustomerFilterSet(
        {"grade": "a"}, Customer.objects.all(), user=cast.sales1
    )
    assert "Class A (retired)" in dict(filters.form.fields["grade"].choices).values()
    page = client_for(cast.sales1).get(old.get_absolute_url())
    assert "Class A" in page.content.decode()
    assert (
        client.post(
            reverse("companylists:grade-active", args=[grade.pk]), {"active": "1"}
        ).status_code
        == 302
    )
    assert "a" in dict(CustomerForm(user=cast.sales1).fields["grade"].choices)


def test_a_grade_in_use_is_not_deleted_and_says_how_many_use_it(cast, client_for):
    grade = _add_grade(cast.admin)
    _customer(cast.sales1, grade="a")
    _customer(cast.sales2, grade="a")
    response = client_for(cast.admin).post(
        reverse("companylists:grade-delete", args=[grade.pk]), follow=True
    )
    assert Grade.objects.filter(pk=grade.pk).exists()
    assert "2 customers have grade Class A" in response.content.decode()
    unused = _add_grade(cast.admin, key="b")
    client_for(cast.admin).post(reverse("companylists:grade-delete", args=[unused.pk]))
    assert not Grade.objects.filter(pk=unused.pk).exists()


def test_the_last_active_grade_cannot_be_retired(cast, client_for):
    client = client_for(cast.admin)
    vip, normal = Grade.objects.get(key="vip"), Grade.objects.get(key="normal")
    client.post(reverse("companylists:grade-active", args=[vip.pk]), {"active": "0"})
    response = client.post(
        reverse("companylists:grade-active", args=[normal.pk]),
        {"active": "0"},
        follow=True,
    )
    assert Grade.objects.get(pk=normal.pk).active
    assert "last active grade" in response.content.decode()


def test_marking_a_key_grade_unmarks_the_previous_one(cast):
    _add_grade(cast.admin, is_key_grade=True)
    assert list(
        Grade.objects.filter(is_key_grade=True).values_list("key", flat=True)
    ) == ["a"]
    assert grades.key_grade() == "a"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cadence_days": "-3"}, "cadence_days"),
        ({"recycle_days": "0"}, "recycle_days"),
        ({"cadence_days": "99999"}, "cadence_days"),
        ({"label_en": "x" * 100_000}, "label_en"),
        ({"label_zh_hans": "甲\x00乙"}, "label_zh_hans"),
        ({"key": "vip"}, "key"),
        ({"key": "Not a key!"}, "key"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    cast, client_for, change, field
):
    before = list(
        Grade.objects.values_list("key", "label_en", "cadence_days", "recycle_days")
    )
    response = client_for(cast.admin).post(
        reverse("companylists:grade-create"), {**FORM, **change}
    )
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert (
        list(
            Grade.objects.values_list("key", "label_en", "cadence_days", "recycle_days")
        )
        == before
    )


def test_saving_a_grade_unchanged_changes_nothing(cast, client_for):
    normal = Grade.objects.get(key="normal")
    url = reverse("companylists:grade-edit", args=[normal.pk])
    client = client_for(cast.admin)
    form = client.get(url).context["form"]
    data = {
        name: ("on" if value is True else value)
        for name, value in form.initial.items()
        if name != "key" and value is not False
    }
    client.post(url, data)
    assert Grade.objects.get(pk=normal.pk).__dict__ | {
        "_state": None
    } == normal.__dict__ | {"_state": None}


def test_the_settings_page_in_chinese(cast, client_for):
    _add_grade(cast.admin)
    client = client_for(cast.admin)
    client.cookies["crm_language"] = "zh-hans"
    page = client.get(
        reverse("companylists:grades"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert (
        "等级" in page
        and "A类" in page
        and "普通" in page
        and "每 3 天跟进一次" in page
    )


def test_the_customer_list_reads_the_grades_from_the_cache_not_per_row(
    cast, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        _customer(cast.sales1, grade="vip", contacted_days_ago=30)
    client = client_for(cast.sales1)
    client.get(reverse("crm:customer-list"), {"view": "overdue"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("crm:customer-list"), {"view": "overdue"})
    assert response.status_code == 200 and response.content.decode().count("VIP") >= 5


def test_import_takes_a_grade_by_key_or_label_and_refuses_a_retired_one_export_writes_its_label(cast):
    from django.utils import translation

    from transfers.columns import ChoiceLabelWidget

    grade = _add_grade(cast.admin)
    assert ChoiceLabelWidget("grade").clean("A类") == "a"
    assert ChoiceLabelWidget("grade").clean("class a") == "a"
    assert ChoiceLabelWidget("grade").clean("a") == "a"
    assert ChoiceLabelWidget("grade").clean("") == "normal"
    services.grade_set_active(grade, active=False, by=cast.admin)
    with pytest.raises(ValueError, match="is not one of: Normal, VIP"):
        ChoiceLabelWidget("grade").clean("A类")
    with translation.override("zh-hans"):
        assert ChoiceLabelWidget("grade").render("a") == "A类"
    assert ChoiceLabelWidget("grade").render("a") == "Class A"
