"""Sales groups (SPEC §7.1): admins create and rename them, choose supervisors and grant a
supervisor a further group (a guardian object permission the role policy reads)."""

import pytest
from django.urls import reverse

from accounts import policies
from accounts.models import AuditEvent, SalesGroup, SalesGroupUserObjectPermission

pytestmark = pytest.mark.django_db


def test_admin_creates_a_group_with_a_supervisor(cast, client_for):
    response = client_for(cast.admin).post(reverse("staff:group-create"), {"name": "华东组", "supervisor": cast.sup2.pk})
    assert response.status_code == 302
    group = SalesGroup.objects.get(name="华东组")
    assert group.supervisor == cast.sup2
    assert AuditEvent.objects.filter(action="group.create", actor=cast.admin).exists()


def test_group_names_are_unique_whatever_the_case(cast, client_for):
    response = client_for(cast.admin).post(reverse("staff:group-create"), {"name": "group a"})
    assert "A group with this name exists." in response.context["form"].errors["name"]


def test_admin_renames_a_group_and_changes_its_supervisor(cast, client_for):
    client_for(cast.admin).post(reverse("staff:group-edit", args=[cast.group1.pk]), {"name": "一组", "supervisor": cast.sup2.pk})
    cast.group1.refresh_from_db()
    assert (cast.group1.name, cast.group1.supervisor) == ("一组", cast.sup2)
    cast.sup1._supervised_group_ids = None
    assert policies.supervised_group_ids(cast.sup1) == frozenset()
    event = AuditEvent.objects.get(action="group.edit")
    assert event.data["old_name"] == "Group A"


def test_a_granted_supervisor_manages_the_further_group(cast, client_for):
    client = client_for(cast.admin)
    client.post(reverse("staff:group-grant", args=[cast.group2.pk]), {"supervisor": cast.sup1.pk})
    assert SalesGroupUserObjectPermission.objects.filter(user=cast.sup1, content_object=cast.group2).exists()
    assert client_for(cast.sup1).get(reverse("staff:user-edit", args=[cast.sales2.pk])).status_code == 200

    client.post(reverse("staff:group-revoke", args=[cast.group2.pk, cast.sup1.pk]))
    assert client_for(cast.sup1).get(reverse("staff:user-edit", args=[cast.sales2.pk])).status_code == 404
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["group.grant", "group.revoke"]


def test_only_supervisors_can_be_granted_a_group(cast, client_for):
    client_for(cast.admin).post(reverse("staff:group-grant", args=[cast.group2.pk]), {"supervisor": cast.sales1.pk})
    assert not SalesGroupUserObjectPermission.objects.exists()


def test_supervisors_see_their_groups_but_do_not_edit_them(cast, client_for):
    client = client_for(cast.sup1)
    page = client.get(reverse("staff:group-list"))
    assert [group.name for group in page.context["groups"]] == ["Group A"]
    assert client.get(reverse("staff:group-edit", args=[cast.group1.pk])).status_code == 404
    assert client.post(reverse("staff:group-create"), {"name": "X"}).status_code == 404
