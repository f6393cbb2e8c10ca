"""Attachments are in the nightly backup: their bytes are archived with the customer photos, the
verification finds every file the restored database names in the archive, and a restore brings
back each file, removed-but-kept ones too, byte for byte."""

import tarfile

import pytest
from django.core.management import CommandError

from attachments import services
from attachments.models import Attachment
from backups.postgres import Target
from tests.attachments.helpers import PDF, office, png, records_for, upload
from tests.backups.test_backups import run, scratch_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed data


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_PG_BIN_DIR = ""


def _attach_some(cast):
    customer, followup, deal = records_for(cast.sales1)
    made = [services.attachment_upload(kind=kind, record=record, uploaded=upload(name, content), by=cast.sales1)
            for kind, record, name, content in [("customer", customer, "名片.png", png()),
                                                ("followup", followup, "截图.png", png("blue")),
                                                ("deal", deal, "合同.pdf", PDF),
                                                ("deal", deal, "报价.xlsx", office("xl/"))]]
    services.attachment_remove(attachment=made[-1], by=cast.sales1)  # removed, kept: in the backup too
    return made


def test_a_backup_holds_every_attachment_and_a_restore_brings_each_back(cast, settings, tmp_path, scratch_database):  # noqa: F811
    made = _attach_some(cast)
    name = run("backup", "--no-record").strip().splitlines()[-1]
    with tarfile.open(settings.BACKUP_DIR / name / "media.tar") as tar:
        archived = set(tar.getnames())
    assert {attachment.file.name for attachment in made} <= archived
    url = scratch_database()
    output = run("restore", name, "--database-url", url, "--media-root", str(tmp_path / "restored"))
    assert "Restored 4 uploaded files" in output
    conn = Target.from_url(url).connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT file, name FROM attachments_attachment ORDER BY id")
            rows = cur.fetchall()
    finally:
        conn.close()
    assert [row[1] for row in rows] == ["名片.png", "截图.png", "合同.pdf", "报价.xlsx"]
    for file, _name in rows:
        assert (tmp_path / "restored" / file).read_bytes() == (settings.MEDIA_ROOT / file).read_bytes()


def test_verification_fails_when_a_file_the_database_names_is_missing(cast, settings):
    made = _attach_some(cast)
    (settings.MEDIA_ROOT / made[2].file.name).unlink()  # lost from the disk before the backup
    with pytest.raises(CommandError, match=r"1 uploaded files the database names are not in the media archive"):
        run("backup", "--no-record")
    assert Attachment.objects.count() == 4
