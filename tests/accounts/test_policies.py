import pytest
from guardian.shortcuts import assign_perm

from accounts import policies

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
    assert not cast.sup1.has_perm("accounts.supervise_salesgroup", cast.group2)
    assign_perm("accounts.supervise_salesgroup", cast.sup1, cast.group2)
    sup1 = type(cast.sup1).objects.get(pk=cast.sup1.pk)  # a fresh request's user
    assert sup1.has_perm("accounts.supervise_salesgroup", cast.group2)
    assert cast.sales2 in policies.visible_users(sup1)
    assert policies.can_see_work_of(sup1, cast.sales2.pk, cast.group2.pk)


def test_has_perm_answers_from_the_role_policy(cast):
    assert cast.sup1.has_perm("accounts.view_user", cast.sales1)
    assert not cast.sup1.has_perm("accounts.view_user", cast.sales2)
    assert cast.admin.has_perm("accounts.view_user", cast.sales2)
    assert not cast.sales1.has_perm("accounts.view_user", cast.sales1b)
    assert cast.sup1.has_perm("accounts.supervise_salesgroup", cast.group1)
    assert not cast.sales1.has_perm("accounts.supervise_salesgroup", cast.group1)


def test_inactive_users_hold_no_permission(cast):
    cast.admin.is_active = False
    assert not cast.admin.has_perm("accounts.view_user", cast.sales1)


def test_unknown_permissions_are_refused(cast):
    assert not cast.admin.has_perm("crm.do_anything_at_all")
