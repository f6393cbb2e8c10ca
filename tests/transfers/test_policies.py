"""The import's role questions, answered by transfers.policies (the upload form asks them)."""

import pytest

from transfers import policies
from transfers.forms import ImportUploadForm


@pytest.mark.parametrize("who, for_others, to_pool", [
    ("sales1", False, False),
    ("sup1", True, False),
    ("admin", True, True),
    ("backup", False, False),
])
def test_who_may_import_for_someone_else_or_into_the_pool(cast, who, for_others, to_pool):
    user = getattr(cast, who)
    assert policies.may_import_for_others(user) is for_others
    assert policies.may_import_to_pool(user) is to_pool
    assert policies.may_import(user) is policies.may_export(user) is (who != "backup")


def test_the_upload_form_offers_what_the_policy_allows(cast):
    assert set(ImportUploadForm(user=cast.sales1).fields) == {"file"}
    supervisor = ImportUploadForm(user=cast.sup1)
    assert set(supervisor.fields) == {"file", "owner"}
    assert set(supervisor.fields["owner"].queryset) == {cast.sales1, cast.sales1b}  # their group, not themselves
    assert set(ImportUploadForm(user=cast.admin).fields) == {"file", "owner", "to_pool"}
