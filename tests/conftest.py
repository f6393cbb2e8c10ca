"""The cast every test shares: two groups, each a supervisor and two salespeople; an admin;
a backup operator; and the anonymous visitor (an unauthenticated client)."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.factories import SalesGroupFactory, UserFactory


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
