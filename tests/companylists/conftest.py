import pytest

from companylists import seeds
from companylists.models import Entry, Grade


@pytest.fixture(autouse=True)
def seeded_grades(db):
    """The seeded grades, also after a transactional test elsewhere emptied the tables."""
    seeds.install(Grade)
    seeds.install_entries(Entry)
