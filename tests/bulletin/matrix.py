from tests.authz import Row  # noqa: F401

ROWS: list = []


def build(world):
    """Add this app's objects to the world, one per relation (see tests.authz.RELATIONS)."""
