import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts import policies
from accounts.context_processors import navigation
from backups import policies as backups_policies
from reports import policies as reports_policies
from staff import policies as staff_policies

pytestmark = pytest.mark.django_db


def test_salesperson_sees_only_themselves(cast):
    assert list(policies.visible_users(cast.sales1)) == [cast.sales1]


def test_supervisor_sees_their_group_and_not_the_other(cast):
    visible = set(policies.visible_users(cast.sup1))
    assert {cast.sup1, cast.sales1, cast.sales1b} <= visible
    assert cast.sales2 not in visible and cast.sup2 not in visible


def test_admin_sees_everyone(cast):
    assert set(policies.visible_users(cast.admin)) >= {cast.sales1, cast.sales2, cast.sup2, cast.backup}


def test_backup_operator_has_no_sales_role(cast):
    assert not policies.has_sales_role(cast.backup)
    assert not policies.can_see_work_of(cast.backup, cast.sales1.pk, cast.group1.pk)


def test_supervisor_granted_a_second_group_sees_it(cast):
    assert cast.group2.pk not in policies.supervised_group_ids(cast.sup1)
    assign_perm("accounts.supervise_salesgroup", cast.sup1, cast.group2)
    sup1 = type(cast.sup1).objects.get(pk=cast.sup1.pk)  # a fresh request's user
    assert policies.supervised_group_ids(sup1) == {cast.group1.pk, cast.group2.pk}
    assert cast.sales2 in policies.visible_users(sup1)
    assert policies.can_see_work_of(sup1, cast.sales2.pk, cast.group2.pk)


def test_supervisor_sees_the_people_of_their_group_only(cast):
    assert policies.can_see_user(cast.sup1, cast.sales1)
    assert not policies.can_see_user(cast.sup1, cast.sales2)
    assert policies.can_see_user(cast.admin, cast.sales2)
    assert not policies.can_see_user(cast.sales1, cast.sales1b)
    assert cast.group1.pk in policies.supervised_group_ids(cast.sup1)
    assert not policies.supervised_group_ids(cast.sales1)


def test_inactive_users_reach_nobody(cast):
    cast.admin.is_active = False
    assert not policies.can_see_user(cast.admin, cast.sales1)
    assert not reports_policies.may_see_reports(cast.admin) and not backups_policies.may_manage_backups(cast.admin)


def test_django_permissions_grant_nothing_the_policies_do_not(cast):
    """Access is the policies' alone: the permission tables and has_perm answer no for everyone,
    even an admin holding every Django permission (the authentication backend grants none)."""
    cast.admin.user_permissions.set(Permission.objects.filter(codename="view_user"))
    admin = type(cast.admin).objects.get(pk=cast.admin.pk)
    assert not admin.has_perm("accounts.view_user")
    assert not admin.has_perm("crm.do_anything_at_all")


@pytest.mark.parametrize(("who", "reports", "staff", "audit", "backups", "box", "own_box"), [
    ("sales1", False, False, False, False, False, True),
    ("sup1", True, True, False, False, True, False),
    ("admin", True, True, True, True, True, False),
    ("backup", False, False, False, True, False, False),
])
def test_the_navigation_questions_follow_the_role(cast, who, reports, staff, audit, backups, box, own_box):
    """Each room answers its own entry's question in its own policy (registered from its
    AppConfig.ready()); the suggestions box's stay in accounts."""
    user = getattr(cast, who)
    assert reports_policies.may_see_reports(user) is reports
    assert staff_policies.may_manage_staff(user) is staff
    assert staff_policies.may_read_audit_trail(user) is audit
    assert backups_policies.may_manage_backups(user) is backups
    assert policies.may_read_suggestions(user) is box
    assert policies.sees_own_suggestions_only(user) is own_box


@pytest.mark.parametrize(("who", "entries"), [
    ("sales1", ["home", "crm:customer-list", "crm:followup-list", "crm:pool-list", "deals:deal-list", "complaints:complaint-list",
                "workplans:plan-list", "bulletin:post-list", "bulletin:suggestion-mine"]),
    ("sup1", ["home", "crm:customer-list", "crm:followup-list", "crm:pool-list", "deals:deal-list", "complaints:complaint-list",
              "workplans:plan-list", "bulletin:post-list", "bulletin:suggestion-list", "reports:index",
              "staff:user-list"]),
    ("admin", ["home", "crm:customer-list", "crm:followup-list", "crm:pool-list", "deals:deal-list", "complaints:complaint-list",
               "workplans:plan-list", "bulletin:post-list", "bulletin:suggestion-list", "reports:index",
               "staff:user-list", "staff:audit-list", "backups:list", "companylists:lists",
               "customfields:field-list"]),
    ("backup", ["home", "backups:list"]),
])
def test_the_top_bar_keeps_its_order_with_the_rooms_registering_their_entries(cast, who, entries):
    request = RequestFactory().get("/")
    request.user = getattr(cast, who)
    shown = [item["url"] for item in navigation(request)["nav_items"]]
    assert shown == [reverse(name) for name in entries]
