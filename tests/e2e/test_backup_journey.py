"""Journey 5 (issue 14): the backup operator backs up, watches it finish and verify, and cannot
open anything else."""

import pytest
from django.urls import reverse

from crm import services
from crm.models import Backup
from tests.e2e.steps import submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("desktop", "zh-hans")])
def test_backup_operator_backs_up_verifies_and_is_refused_customers(cast, journey, device, language, settings):
    customer = services.customer_create(data={"name": "孙八", "phone": "13500000008"}, owner=cast.sales1, by=cast.sales1)
    me = journey("5-backup", cast.backup, device=device, language=language, allowed=["SHA-256", str(settings.BACKUP_DIR), "BACKUP_PUBLIC_KEY", "docs/operations.md"])
    page = me.go(reverse("home"))
    me.shot("home")
    page.locator(f"main a[href='{reverse('crm:backup-list')}']").click()
    me.shot("no-backups")

    submit(page, f"form[action='{reverse('crm:backup-create')}']")  # the test task backend runs it at once
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.SUCCEEDED, backup.error
    assert backup.name in success_message(page)
    me.shot("backed-up")

    submit(page, f"form[action='{reverse('crm:backup-verify', args=[backup.pk])}']")
    backup.refresh_from_db()
    assert backup.verification == Backup.Verification.VERIFIED, backup.verify_message
    page.locator("#backup-table .badge.text-bg-success").nth(1).wait_for()
    me.shot("verified")

    response = page.goto(me.base_url + customer.get_absolute_url())
    assert response.status == 404
    assert "孙八" not in page.content()
    me.shot("customer-refused")
