"""Staff management (SPEC §7, issue 8): admins manage everyone, supervisors the salespeople
of their own groups; every change lands in the audit trail."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from staff import policies
from accounts.models import AuditEvent, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-secret-2026"


def _new_person(**extra):
    return {"username": "xiaoming", "full_name": "小明", "role": "salesperson", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD, **extra}


def _edit(person, **changes):
    data = {"full_name": person.full_name, "role": person.role, "sales_group": person.sales_group_id or "",
            "phone": person.phone, "email": person.email}
    data.update(changes)
    return data


def test_supervisor_adds_a_salesperson_to_their_group_who_can_log_in(cast, client_for, client):
    response = client_for(cast.sup1).post(reverse("staff:user-create"), _new_person(sales_group=cast.group1.pk, phone="13912345678"))
    assert response.status_code == 302
    person = User.objects.get(username="xiaoming")
    assert (person.role, person.sales_group, person.phone) == (User.Role.SALESPERSON, cast.group1, "13912345678")
    assert client.login(request=RequestFactory().get("/"), username="xiaoming", password=NEW_PASSWORD)
    event = AuditEvent.objects.get(action="staff.create")
    assert (event.actor, event.data["user_id"]) == (cast.sup1, person.pk)


def test_supervisor_cannot_create_an_admin_or_someone_in_another_group(cast, client_for):
    client = client_for(cast.sup1)
    as_admin = client.post(reverse("staff:user-create"), _new_person(role="admin", sales_group=cast.group1.pk))
    elsewhere = client.post(reverse("staff:user-create"), _new_person(sales_group=cast.group2.pk))
    assert as_admin.status_code == elsewhere.status_code == 200
    assert "role" in as_admin.context["form"].errors and "sales_group" in elsewhere.context["form"].errors
    assert not User.objects.filter(username="xiaoming").exists()


def test_admin_creates_people_of_every_role(cast, client_for):
    client = client_for(cast.admin)
    for index, role in enumerate(["supervisor", "admin", "backup_operator"]):
        response = client.post(reverse("staff:user-create"), _new_person(username=f"p{index}", role=role))
        assert response.status_code == 302, response.context["form"].errors
    assert set(User.objects.filter(username__in=["p0", "p1", "p2"]).values_list("role", flat=True)) == {
        "supervisor", "admin", "backup_operator"}


def test_a_taken_login_or_differing_passwords_are_refused(cast, client_for):
    client = client_for(cast.admin)
    taken = client.post(reverse("staff:user-create"), _new_person(username="SALES1", sales_group=cast.group1.pk))
    differ = client.post(reverse("staff:user-create"), _new_person(password2="other-long-secret-99", sales_group=cast.group1.pk))
    assert "This login is taken." in taken.context["form"].errors["username"]
    assert "The two passwords differ." in differ.context["form"].errors["password2"]


def test_a_salesperson_needs_a_group(cast, client_for):
    response = client_for(cast.admin).post(reverse("staff:user-create"), _new_person())
    assert "A salesperson belongs to a sales group." in response.context["form"].errors["sales_group"]


def test_supervisor_edits_their_salesperson_and_the_change_is_audited(cast, client_for):
    response = client_for(cast.sup1).post(reverse("staff:user-edit", args=[cast.sales1.pk]),
                                          _edit(cast.sales1, phone="13700000001", wechat="zs_wx"))
    assert response.status_code == 302
    cast.sales1.refresh_from_db()
    assert (cast.sales1.phone, cast.sales1.wechat) == ("13700000001", "zs_wx")
    event = AuditEvent.objects.get(action="staff.edit")
    assert event.data["fields"] == ["phone", "wechat"]


def test_supervisor_cannot_edit_people_of_another_group_or_other_supervisors(cast, client_for):
    client = client_for(cast.sup1)
    assert client.get(reverse("staff:user-edit", args=[cast.sales2.pk])).status_code == 404
    assert client.get(reverse("staff:user-edit", args=[cast.sup2.pk])).status_code == 404
    assert client.post(reverse("staff:user-edit", args=[cast.sales2.pk]), _edit(cast.sales2, phone="1")).status_code == 404


def test_supervisor_cannot_promote_or_move_a_salesperson_out_of_their_groups(cast, client_for):
    client = client_for(cast.sup1)
    promote = client.post(reverse("staff:user-edit", args=[cast.sales1.pk]), _edit(cast.sales1, role="admin"))
    move_out = client.post(reverse("staff:user-edit", args=[cast.sales1.pk]), _edit(cast.sales1, sales_group=cast.group2.pk))
    assert promote.status_code == move_out.status_code == 200
    cast.sales1.refresh_from_db()
    assert (cast.sales1.role, cast.sales1.sales_group) == (User.Role.SALESPERSON, cast.group1)


def test_supervisor_moves_people_between_their_own_groups(cast, client_for):
    from accounts import services

    services.group_grant(group=cast.group2, supervisor=cast.sup1, by=cast.admin)
    response = client_for(cast.sup1).post(reverse("staff:user-edit", args=[cast.sales1.pk]),
                                          _edit(cast.sales1, sales_group=cast.group2.pk))
    assert response.status_code == 302
    cast.sales1.refresh_from_db()
    assert cast.sales1.sales_group == cast.group2
    assert AuditEvent.objects.filter(action="staff.move").exists()


def test_admin_moves_a_salesperson_to_another_group_and_the_new_supervisor_sees_them(cast, client_for):
    client_for(cast.admin).post(reverse("staff:user-edit", args=[cast.sales1.pk]), _edit(cast.sales1, sales_group=cast.group2.pk))
    assert client_for(cast.sup2).get(reverse("staff:user-edit", args=[cast.sales1.pk])).status_code == 200
    assert client_for(cast.sup1).get(reverse("staff:user-edit", args=[cast.sales1.pk])).status_code == 404


def test_nobody_changes_their_own_role(cast, client_for):
    UserFactory(username="boss2", role=User.Role.ADMIN)
    client_for(cast.admin).post(reverse("staff:user-edit", args=[cast.admin.pk]), _edit(cast.admin, role="salesperson"))
    cast.admin.refresh_from_db()
    assert cast.admin.role == User.Role.ADMIN


def test_a_new_password_ends_the_persons_sessions(cast, client_for, client):
    assert client.login(request=RequestFactory().get("/"), username="sales1", password=PASSWORD)
    client_for(cast.sup1).post(reverse("staff:user-edit", args=[cast.sales1.pk]), _edit(cast.sales1, new_password=NEW_PASSWORD))
    assert client.get(reverse("home")).status_code == 302
    assert client.login(request=RequestFactory().get("/"), username="sales1", password=NEW_PASSWORD)


def test_admin_reactivates_a_former_colleague(cast, client_for):
    User.objects.filter(pk=cast.sales1.pk).update(is_active=False)
    client_for(cast.admin).post(reverse("staff:user-reactivate", args=[cast.sales1.pk]))
    cast.sales1.refresh_from_db()
    assert cast.sales1.is_active
    assert AuditEvent.objects.filter(action="staff.reactivate", count=1).exists()


# --- Finding a salesperson (SPEC §7.2) --------------------------------------------------------


def _names(client, **params):
    response = client.get(reverse("staff:user-list"), params)
    return {person.username for person in response.context["page_obj"]}


def test_supervisor_finds_only_their_groups_people(cast, client_for):
    assert _names(client_for(cast.sup1)) == {"sup1", "sales1", "sales1b"}


def test_admin_finds_people_by_name_group_role_and_date_added(cast, client_for):
    old = UserFactory(username="veteran", full_name="老李", sales_group=cast.group2)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=400))
    client = client_for(cast.admin)
    assert _names(client, q="李") == {"sup2", "sales2", "veteran"}
    assert _names(client, q="李", fields="username") == set()
    assert _names(client, group=cast.group1.pk) == {"sup1", "sales1", "sales1b"}
    assert _names(client, role="backup_operator") == {"backup"}
    last_year = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert _names(client, joined_to=last_year) == {"veteran"}
    assert "veteran" not in _names(client, joined_from=last_year)


def test_former_staff_are_listed_apart(cast, client_for):
    User.objects.filter(pk=cast.sales1.pk).update(is_active=False)
    client = client_for(cast.admin)
    assert "sales1" not in _names(client)
    assert _names(client, status="former") == {"sales1"}


def test_staff_pages_are_not_for_salespeople(cast, client_for):
    client = client_for(cast.sales1)
    assert client.get(reverse("staff:user-list")).status_code == 404
    assert client.get(reverse("staff:user-detail", args=[cast.sales1.pk])).status_code == 404


def test_policy_scopes(cast):
    assert set(policies.manageable_users(cast.sup1)) == {cast.sales1, cast.sales1b}
    assert policies.manageable_users(cast.sales1).count() == 0
    assert [role for role, _label in policies.assignable_roles(cast.sup1)] == ["salesperson"]
    assert set(policies.assignable_groups(cast.sup1)) == {cast.group1}


def test_the_staff_list_runs_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for index in range(30):
        UserFactory(username=f"extra{index}", sales_group=cast.group1)
    client = client_for(cast.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:user-list"), {"per_page": 50})
    assert len(response.context["page_obj"]) == 38  # the cast of 8 and 30 more
