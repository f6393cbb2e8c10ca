import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def clean_cache():
    """Rate-limit counters live in the cache: each test starts (and leaves) it empty."""
    cache.clear()
    yield
    cache.clear()
