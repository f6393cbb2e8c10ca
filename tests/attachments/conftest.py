import pytest

from deals import defaults
from deals.models import LostReason, Stage


@pytest.fixture(autouse=True)
def default_stages(db):
    """Files go on deals too; a transactional test elsewhere empties every table, the stages included."""
    defaults.install(Stage, LostReason)
