"""Journey 4 (issue 14): an admin offboards a salesperson who left, handing every customer to a
colleague, then reads the audit trail."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
from crm import services as crm_services
from crm.models import Custody, Customer
from tests.e2e.steps import open_menu_item, submit, success_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device,language", [("desktop", "en"), ("phone", "zh-hans")])
def test_admin_offboards_a_salesperson_to_a_colleague_and_reads_the_audit_trail(cast, journey, device, language):
    for i, name in enumerate(["吴一", "郑二", "冯三"]):
        customer = crm_services.customer_create(
            data={"name": name, "company": f"{name}贸易", "phone": f"1370000000{i}"}, owner=cast.sales2, by=cast.sales2)
        crm_services.followup_create(customer=customer, subject="初次拜访", content="有兴趣，下周报价。",
                                     occurred_at=customer.created_at, by=cast.sales2)
    leaver = cast.sales2
    people = User.objects.all()  # the staff list and the audit trail show every login: data, not interface
    names = {person.username for person in people} | {person.display_name for person in people}
    me = journey("4-admin", cast.admin, device=device, language=language, allowed=names)
    page = me.go(reverse("home"))

    open_menu_item(page, reverse("staff:user-list"))
    me.shot("staff")
    page.locator(f"a[href='{reverse('staff:user-detail', args=[leaver.pk])}']").first.click()
    page.wait_for_load_state("domcontentloaded")
    me.shot("salesperson-page")

    page.locator(f"a[href='{reverse('staff:user-offboard', args=[leaver.pk])}']").first.click()
    page.wait_for_load_state("domcontentloaded")
    preview = page.locator(".offboard-preview").inner_text()
    assert "3" in preview  # three customers to move, as the preview counts them
    # Choosing the colleague is enough: it selects "all to one colleague" (the pool stays unchosen).
    page.select_option("select[name=colleague]", str(cast.sales2b.pk))
    assert page.is_checked("input[name=mode][value=one]")
    me.shot("offboard-preview")
    submit(page)
    destinations = page.locator(".offboard-destinations").inner_text()
    assert cast.sales2b.display_name in destinations and "3" in destinations  # all three, before anything happens
    me.shot("offboard-review")
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    assert success_message(page)
    me.shot("offboarded")

    assert not User.objects.get(pk=leaver.pk).is_active
    assert set(Customer.objects.filter(name__in=["吴一", "郑二", "冯三"]).values_list("owner", flat=True)) == {cast.sales2b.pk}
    assert Custody.objects.filter(reason=Custody.Reason.OFFBOARDED, to_owner=cast.sales2b).count() == 3

    open_menu_item(page, reverse("staff:audit-list"))
    assert AuditEvent.objects.filter(action="staff.offboard", actor=cast.admin).exists()
    assert leaver.display_name in page.locator("main").inner_text()
    me.shot("audit-trail")
