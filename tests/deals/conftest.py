import pytest

from deals import defaults
from deals.models import LostReason, Stage


@pytest.fixture(autouse=True)
def default_stages(db):
    """A transactional test elsewhere empties every table, the migration's stages included."""
    defaults.install(Stage, LostReason)
