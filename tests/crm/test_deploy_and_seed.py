import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import SalesGroup, User
from bulletin.models import Post
from crm.models import Custody, Customer, FollowUp
from workplans.models import Plan

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy():
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x8$Kp2!vQz7#Lm4@Rt9&Wn1^Yb6*Hc3(Jd5)Fg0-Ss8+Aa2=Ee7",
        "ALLOWED_HOSTS": "crm.example.com",
        "HTTPS": "1",
        "DATABASE_URL": f"postgresql://{db['USER']}:@/{db['NAME']}?host={db['HOST']}",
        "BACKUP_PUBLIC_KEY": "MCowBQYDK2VuAyEAEaksdWKeQfUHGOFW7r8uWyMF0BvH/N37SM36btPo9EI=",  # backups encrypted
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "DATABASE_URL": "postgresql://x@localhost/x"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_group_names_count_in_chinese():
    from crm.demo import group_name

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


def test_a_machine_on_the_embedded_database_gets_its_own_random_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0"})
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = (
        subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
        for _ in range(2)
    )
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and "insecure" not in key
    assert second.stdout.strip().splitlines()[-1] == key
