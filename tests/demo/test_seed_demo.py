"""seed_demo: the README's demo company, the same after a second run."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import SalesGroup, User
from bulletin.models import Post
from crm.models import Custody, Customer, FollowUp
from customfields.models import FieldDefinition
from demo.people import group_name
from workplans.models import Plan


def test_demo_group_names_count_in_chinese():
    names = [group_name(n) for n in (1, 2, 10, 11, 20, 21, 100, 105, 110, 1000, 1010)]
    assert names == ["销售一组", "销售二组", "销售十组", "销售十一组", "销售二十组", "销售二十一组", "销售一百组",
                     "销售一百零五组", "销售一百一十组", "销售一千组", "销售一千零一十组"]


@pytest.mark.django_db
def test_a_demo_seeded_with_english_group_names_is_renamed_not_doubled():
    SalesGroup.objects.create(name="Group 1")
    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "2", "--salespeople", "2", "--customers", "4")
    assert sorted(SalesGroup.objects.values_list("name", flat=True)) == ["销售一组", "销售二组"]


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_company(capsys):
    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "3", "--salespeople", "7", "--customers", "60")
    call_command("seed_demo", "--password", "pw-demo-2", "--groups", "3", "--salespeople", "7", "--customers", "60")
    out = capsys.readouterr().out
    assert "admin" in out and "backup" in out and "sup1" in out and "sales1" in out
    assert list(SalesGroup.objects.order_by("pk").values_list("name", flat=True)) == ["销售一组", "销售二组", "销售三组"]
    assert User.objects.filter(role=User.Role.SALESPERSON).count() == 7
    assert User.objects.get(username="sup2").supervised_groups.get().name == "销售二组"
    assert User.objects.get(username="admin").role == User.Role.ADMIN
    assert User.objects.get(username="backup").role == User.Role.BACKUP_OPERATOR
    assert User.objects.get(username="sales1").check_password("pw-demo-2")
    assert Customer.objects.count() == 60
    assert Custody.objects.filter(reason=Custody.Reason.CREATED).count() == 60
    pooled = Customer.objects.filter(owner__isnull=True)
    assert pooled.count() == Custody.objects.filter(reason=Custody.Reason.GAVE_UP).count()
    assert Customer.objects.filter(name__regex=r"^[\u4e00-\u9fff]{2,3}$").count() == 60  # Chinese names
    assert Post.objects.exists()
    assert Plan.objects.filter(author__username="sales1").exists()
    assert 60 <= FollowUp.objects.count() <= 360  # about three per customer, not doubled by the second run
    with_log = Customer.objects.filter(followups__isnull=False).distinct()
    assert all(c.last_contact_at == c.followups.latest("occurred_at").occurred_at for c in with_log)


@pytest.mark.django_db
def test_the_demo_shows_its_own_fields_with_values(client):
    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "1", "--salespeople", "1", "--customers", "40")
    call_command("seed_demo", "--password", "pw-demo-1", "--groups", "1", "--salespeople", "1", "--customers", "40")
    assert sorted(FieldDefinition.objects.values_list("key", flat=True)) == ["budget", "contract_end", "level_note", "volume", "wechat"]
    assert FieldDefinition.objects.get(key="wechat").unique
    wechats = [c.custom["wechat"] for c in Customer.objects.filter(custom__has_key="wechat")]
    assert len(wechats) >= 20 and len(set(wechats)) == len(wechats)  # unique, as the field says
    customer = Customer.objects.filter(custom__has_key="wechat", owner__isnull=False).select_related("owner").first()
    client.force_login(customer.owner)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "WeChat ID" in page and customer.custom["wechat"] in page
    found = client.get(reverse("crm:customer-list"), {"q": customer.custom["wechat"]}).context["page_obj"]
    assert [c.pk for c in found] == [customer.pk]
