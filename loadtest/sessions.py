"""Make one logged-in session per simulated user (run by scripts/loadtest before locust).

Usage: python loadtest/sessions.py USERS OUTPUT.json  (Django settings from the environment).
Salespeople sales1..salesN; logging in is not part of the measured mix.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402


def main(users: int, output: Path) -> None:
    people = list(User.objects.filter(role=User.Role.SALESPERSON, is_active=True, username__startswith="sales")
                  .order_by("pk")[:users])
    if len(people) < users:
        sys.exit(f"Only {len(people)} salespeople: seed more (manage.py seed_demo --scale medium).")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    sessions = {}
    for person in people:
        client = Client()
        client.force_login(person)
        sessions[person.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(sessions))
    print(f"{len(sessions)} sessions written to {output}")


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
