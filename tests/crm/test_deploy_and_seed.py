import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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
