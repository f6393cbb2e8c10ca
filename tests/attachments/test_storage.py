"""Storage backends: the local disk by default (never under a served URL), and S3-compatible
storage through django-storages' real S3Storage class, against moto's in-process fake of S3
(skipped where django-storages or moto is not installed: `pip install "django-storages[s3]" moto`)."""

import pytest
from django.core.files.storage import default_storage, storages
from django.urls import reverse

from attachments import services, storage
from attachments.models import Attachment
from tests.attachments.helpers import PDF, records_for, upload

pytestmark = pytest.mark.django_db


def test_local_files_live_under_media_root_where_no_url_serves_them(cast, settings, django_capture_on_commit_callbacks):
    customer = records_for(cast.sales1)[0]
    assert storage.attachment_storage() is default_storage
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_upload(kind="customer", record=customer, uploaded=upload("合同.pdf", PDF),
                                                by=cast.sales1)
    path = default_storage.path(attachment.file.name)
    assert path.startswith(str(settings.MEDIA_ROOT)) and open(path, "rb").read() == PDF


@pytest.fixture
def s3(settings, monkeypatch):
    pytest.importorskip("storages.backends.s3")
    moto = pytest.importorskip("moto")
    import boto3

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="crm-files")
        settings.STORAGES = {**settings.STORAGES, "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "crm-files", "region_name": "us-east-1", "default_acl": "private",
                        "querystring_auth": True, "file_overwrite": False}}}
        yield boto3.client("s3", region_name="us-east-1")


def _keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket="crm-files").get("Contents", []))


def test_on_s3_an_upload_lands_under_its_final_name_and_is_served_through_the_policy(
        s3, cast, client_for, django_capture_on_commit_callbacks):
    customer = records_for(cast.sales1)[0]
    assert type(storage.attachment_storage()).__name__ == "S3Storage"
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_upload(kind="customer", record=customer, uploaded=upload("合同.pdf", PDF),
                                                by=cast.sales1)
    assert _keys(s3) == [attachment.file.name]  # moved out of incoming/
    assert s3.get_object(Bucket="crm-files", Key=attachment.file.name)["Body"].read() == PDF
    # Private: the bucket grants nobody but its owner.
    grants = s3.get_object_acl(Bucket="crm-files", Key=attachment.file.name)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]
    response = client_for(cast.sales1).get(reverse("attachments:attachment-download", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert client_for(cast.sales2).get(reverse("attachments:attachment-download", args=[attachment.pk])).status_code == 404


def test_on_s3_the_sweep_and_the_purge_work_too(s3, cast, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    files = storages["attachments"]
    orphan, _final = storage.new_names("pdf")
    files.save(orphan, ContentFile(PDF))
    sweep = services.attachments_clean(now=timezone.now() + timedelta(days=1))
    assert sweep.removed == 1 and _keys(s3) == []
    customer = records_for(cast.sales1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_upload(kind="customer", record=customer, uploaded=upload("a.pdf", PDF),
                                                by=cast.sales1)
    services.attachment_remove(attachment=attachment, by=cast.sales1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attachments_purge(now=timezone.now() + timedelta(days=365)) == 1
    assert _keys(s3) == [] and not Attachment.objects.exists()
