"""Journey 5 (issue 14): the backup operator backs up, watches it finish and verify, and cannot
open anything else."""

import pytest
from django.urls import reverse

from backups import crypto as backup_crypto
from backups.models import Backup
from crm import services
from tests.e2e.steps import submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language,encrypted", [
    ("desktop", "en", False), ("desktop", "zh-hans", False), ("phone", "zh-hans", True), ("phone", "en", True)])
def test_backup_operator_backs_up_verifies_and_is_refused_customers(cast, journey, device, language, encrypted, settings):
    if encrypted:  # the company's public key (issue 19.1): the page says backups are encrypted, and for which key
        settings.BACKUP_PUBLIC_KEY = backup_crypto.Identity.generate().recipient.text()
    customer = services.customer_create(data={"name": "孙八", "phone": "13500000008"}, owner=cast.sales1, by=cast.sales1)
    allowed = ["SHA-256", str(settings.BACKUP_DIR), "BACKUP_PUBLIC_KEY", "docs/operations.md",
               "manage.py verify_backup --private-key"]  # names of a file, a setting, a command
    me = journey("5-backup", cast.backup, device=device, language=language, allowed=allowed)
    page = me.go(reverse("home"))
    me.shot("home")
    page.locator(f"main a[href='{reverse('backups:list')}']").click()
    me.shot("no-backups")

    # The test task backend runs the backup (dump, restore test, encryption) inside the click's
    # request: allow it the time a loaded machine needs (a bound, not a synchronisation).
    page.set_default_timeout(120_000)
    submit(page, f"form[action='{reverse('backups:create')}']")
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.SUCCEEDED, backup.error
    assert backup.name in success_message(page)
    assert backup.encrypted == encrypted
    me.shot("backed-up")

    submit(page, f"form[action='{reverse('backups:verify', args=[backup.pk])}']")
    backup.refresh_from_db()
    assert backup.verification == Backup.Verification.VERIFIED, backup.verify_message
    page.locator("#backup-table .badge.text-bg-success").nth(1).wait_for()
    me.shot("verified")

    response = page.goto(me.base_url + customer.get_absolute_url())
    assert response.status == 404
    assert "孙八" not in page.content()
    me.shot("customer-refused")
