"""The cast every test shares: two groups, each a supervisor and two salespeople; an admin;
a backup operator; and the anonymous visitor (an unauthenticated client)."""

import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from django.utils import translation

from accounts.models import User
from tests import stray_files
from tests.factories import SalesGroupFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
# Where a test run may not leave anything: the system temp dir, the demo company's private files.
FORBIDDEN = ["/tmp", tempfile.gettempdir(), ROOT / "var" / "private"]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """pytest's temporary folders inside the repository (var/pytest, git-ignored, emptied by the
    next run), never the system temp dir; and a watch on what the run leaves where it may not."""
    if not config.option.basetemp:
        config.option.basetemp = str(ROOT / "var" / "pytest")
    config.stash[STRAY] = stray_files.StrayFiles(FORBIDDEN).start()


STRAY = pytest.StashKey()


def pytest_sessionfinish(session, exitstatus):
    watcher = session.config.stash.get(STRAY, None)
    if watcher is None:
        return
    watcher.stop()
    left = watcher.left()
    if left:
        sys.stderr.write("\nThe tests left files where they must not (the system temp dir, var/private):\n")
        sys.stderr.writelines(f"  {path}\n" for path in left)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def files_inside_the_repository(tmp_path_factory):
    """Uploads, private files and backups of the whole session under pytest's basetemp."""
    root = tmp_path_factory.mktemp("files", numbered=False)
    with override_settings(MEDIA_ROOT=root / "media", PRIVATE_FILES_ROOT=root / "private", BACKUP_DIR=root / "backups"):
        yield


@pytest.fixture(autouse=True)
def seeded_grades_cached():
    """Every test starts with the seeded grade list cached (as a warm server: no query for it),
    and a test's edits of the list do not outlive its rolled-back transaction."""
    from companylists import grades, lists, seeds

    grades.prime(seeds.grades())
    lists.prime(seeds.entries())  # the sources and give-up reasons too
    yield
    grades.forget()
    lists.forget()


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request in Chinese leaves Chinese active in the thread; every test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def no_gram_statistics(monkeypatch):
    """The search reads PostgreSQL's gram statistics once per process every few minutes: an extra
    query in whichever test searches first. Tests start as after that read on a small table
    (none to trust), so query counts do not depend on the order tests run in."""
    from crm import search

    monkeypatch.setattr(search, "gram_statistics", search.GramStatistics.known(None))


@pytest.fixture
def cast(db):
    group1 = SalesGroupFactory(name="Group A")
    group2 = SalesGroupFactory(name="Group B")
    sup1 = UserFactory(username="sup1", full_name="王主管", role=User.Role.SUPERVISOR, sales_group=group1)
    sup2 = UserFactory(username="sup2", full_name="李主管", role=User.Role.SUPERVISOR, sales_group=group2)
    group1.supervisor = sup1
    group1.save()
    group2.supervisor = sup2
    group2.save()
    return SimpleNamespace(
        group1=group1,
        group2=group2,
        sup1=sup1,
        sup2=sup2,
        sales1=UserFactory(username="sales1", full_name="张三", sales_group=group1),
        sales1b=UserFactory(username="sales1b", full_name="赵六", sales_group=group1),
        sales2=UserFactory(username="sales2", full_name="李四", sales_group=group2),
        sales2b=UserFactory(username="sales2b", full_name="钱七", sales_group=group2),
        admin=UserFactory(username="boss", full_name="老板", role=User.Role.ADMIN),
        backup=UserFactory(username="backup", full_name="运维", role=User.Role.BACKUP_OPERATOR),
    )


@pytest.fixture
def client_for(db):
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
