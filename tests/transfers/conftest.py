from tests.crm.conftest import customers  # noqa: F401  (one customer per relation, as the crm tests have them)
