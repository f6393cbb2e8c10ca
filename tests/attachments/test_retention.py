"""Removed files are kept for the retention period, then purged; interrupted uploads leave no
orphan (clean_attachments). The clock is passed in (`now=`), never waited for."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from attachments import services, storage
from attachments.models import Attachment
from tests.attachments.helpers import png, records_for, stored, upload

pytestmark = pytest.mark.django_db


def _age(name, hours):
    """Make a stored file look `hours` old (its modification time)."""
    path = default_storage.path(name)
    moment = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(path, (moment, moment))


def test_a_removed_file_is_kept_for_the_retention_period_then_purged(cast, settings):
    settings.ATTACHMENTS_RETENTION_DAYS = 90
    customer = records_for(cast.sales1)[0]
    kept, gone, live = (stored("customer", customer, name=f"{n}.png") for n in ("kept", "gone", "live"))
    services.attachment_remove(attachment=kept, by=cast.sales1)
    services.attachment_remove(attachment=gone, by=cast.sales1)
    Attachment.objects.filter(pk=gone.pk).update(removed_at=timezone.now() - timedelta(days=91))
    Attachment.objects.filter(pk=kept.pk).update(removed_at=timezone.now() - timedelta(days=89))
    assert services.attachments_purge() == 1
    assert set(Attachment.objects.values_list("name", flat=True)) == {"kept.png", "live.png"}
    # 100 days on, the other removed file goes too; the live one never does.
    assert services.attachments_purge(now=timezone.now() + timedelta(days=10)) == 1
    assert list(Attachment.objects.values_list("name", flat=True)) == ["live.png"]
    assert default_storage.exists(live.file.name)


def test_purge_deletes_the_bytes_when_the_rows_commit(cast, django_capture_on_commit_callbacks):
    customer = records_for(cast.sales1)[0]
    attachment = stored("customer", customer, removed=True)
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now() - timedelta(days=365))
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("purge_attachments", stdout=out)
    assert "Purged 1 files" in out.getvalue()
    assert not default_storage.exists(attachment.file.name)


def test_removing_twice_tells_the_second_person(cast):
    attachment = stored("customer", records_for(cast.sales1)[0])
    services.attachment_remove(attachment=attachment, by=cast.sales1)
    with pytest.raises(Exception, match="Someone removed this file meanwhile"):
        services.attachment_remove(attachment=attachment, by=cast.sup1)


def test_an_upload_rolled_back_midway_leaves_no_file(cast, monkeypatch):
    """The row's insert fails after the bytes were written: the incoming file is deleted with it."""
    customer = records_for(cast.sales1)[0]
    before = set(storage.walk(default_storage, storage.PREFIX))

    def fail(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(Attachment.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.attachment_upload(kind="customer", record=customer, uploaded=upload("a.png", png()), by=cast.sales1)
    assert set(storage.walk(default_storage, storage.PREFIX)) == before


def test_the_nightly_sweep_removes_interrupted_uploads_and_finishes_committed_ones(cast):
    customer = records_for(cast.sales1)[0]
    # A process killed after writing the incoming file, before its row: an orphan.
    orphan, _never = storage.new_names("png")
    default_storage.save(orphan, ContentFile(png()))
    # A process killed after the commit, before the move: the row names a file not yet there.
    incoming, final = storage.new_names("png")
    default_storage.save(incoming, ContentFile(png("blue")))
    committed = stored("customer", customer)
    default_storage.delete(committed.file.name)
    Attachment.objects.filter(pk=committed.pk).update(file=final)
    # An upload under way right now, and a file whose customer was deleted.
    fresh, _later = storage.new_names("png")
    default_storage.save(fresh, ContentFile(png()))
    _i, stray = storage.new_names("png")
    default_storage.save(stray, ContentFile(png()))
    for name in (orphan, incoming, stray):
        _age(name, hours=24)

    sweep = services.attachments_clean()
    assert (sweep.finished, sweep.removed) == (1, 2)
    assert not default_storage.exists(orphan) and not default_storage.exists(stray)
    assert default_storage.exists(final) and not default_storage.exists(incoming)
    assert default_storage.exists(fresh)  # under way: left alone
    out = io.StringIO()
    call_command("clean_attachments", stdout=out)  # safe to re-run: nothing more to do
    assert "Finished 0 interrupted uploads; deleted 0 orphan files." in out.getvalue()
    default_storage.delete(fresh)


def test_the_benchmark_runs_small_and_leaves_nothing_behind(cast):
    records_for(cast.sales1)
    out = io.StringIO()
    call_command("bench_attachments", "--rows", "300", "--records", "100", "--samples", "5", stdout=out)
    assert "Seeded 300 attachment rows" in out.getvalue() and "p95" in out.getvalue()
    assert not Attachment.objects.exists()
