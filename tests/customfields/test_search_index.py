"""The search box finds customers by searchable custom values through the values' gram index
(crm_customer_custom_grams, issue 23): upper or lower case, one Chinese character, a value's
middle; a value of a field not searchable, or one the searcher may not see, finds nothing."""

import pytest

from crm.filters import CustomerFilterSet, PoolFilterSet
from customfields.models import FieldDefinition
from tests.customfields.helpers import define
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _names(user, q, **extra):
    return sorted(CustomerFilterSet({"q": q, **extra}, user=user).qs.values_list("name", flat=True))


@pytest.fixture
def world(cast):
    define("wechat", searchable=True)
    define("nickname", searchable=True)
    define("internal", searchable=False)
    define("secret", searchable=True, see=FieldDefinition.Access.ADMINS)
    CustomerFactory(name="甲", owner=cast.sales1, custom={"wechat": "WX_Chen88", "nickname": "老陈"})
    CustomerFactory(name="乙", owner=cast.sales1, custom={"internal": "老陈", "secret": "WX_Chen88"})
    CustomerFactory(name="丙", owner=None, custom={"nickname": "晓陈"})  # in the pool


@pytest.mark.parametrize("q", ["wx_chen88", "WX_CHEN", "chen8", "陈", "老陈"])
def test_a_searchable_value_finds_its_customer_whatever_the_case(cast, world, q):
    assert _names(cast.sales1, q) == ["甲"]


def test_two_terms_must_both_match_and_one_may_be_in_a_custom_value(cast, world):
    assert _names(cast.sales1, "甲 老陈") == ["甲"]
    assert _names(cast.sales1, "乙 老陈") == []  # 乙's 老陈 is in a field not searchable


def test_the_admin_finds_the_value_only_they_may_see(cast, world):
    assert _names(cast.admin, "chen88") == ["乙", "甲"]


def test_the_pool_search_finds_custom_values_too(cast, world):
    assert list(PoolFilterSet({"q": "晓"}, user=cast.sales1).qs.values_list("name", flat=True)) == ["丙"]
