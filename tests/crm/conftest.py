import pytest

from tests.factories import CustomerFactory


@pytest.fixture
def customers(cast):
    """One customer per relation, seen from sales1 and sup1."""

    class Customers:
        own = CustomerFactory(name="李华", company="上海华为科技有限公司", phone="138-0013-8000", owner=cast.sales1)
        same_group = CustomerFactory(name="王芳", company="杭州宏达贸易", phone="13900001111", owner=cast.sales1b)
        other_group = CustomerFactory(name="李四海", company="北京博远实业", phone="13700002222", owner=cast.sales2)
        pool = CustomerFactory(name="赵敏", company="深圳金桥电子", phone="13600003333", owner=None, created_by=cast.sales2)

    return Customers
