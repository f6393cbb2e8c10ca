"""What complaints adds to crm's pages without crm importing it: a section on the customer's page
(crm.sections.register_customer_section), the "complaint open" badge on the customer list
(crm.sections.register_customer_badges), and the hold on recycling (crm.holds)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import policies, selectors

# recycle_pool skips a customer while this holds ({customer_id}: the customer's id column).
OPEN_COMPLAINT_SQL = ("EXISTS (SELECT 1 FROM complaints_complaint oc WHERE oc.customer_id = {customer_id} "
                      "AND oc.state <> 'closed')")


def customer_section(user, customer) -> dict | None:
    if not policies.may_use_complaints(user):
        return None
    complaints = selectors.customer_complaints(user, customer)
    may_log = policies.may_log_complaint(user, customer)
    if not complaints and not may_log:
        return None
    return {"customer": customer, "complaints": complaints, "may_log": may_log, "now": timezone.now(),
            "open_count": sum(1 for complaint in complaints if complaint.is_open)}


def customer_badges(user, customers) -> dict:
    """{customer id: [(label, css class)]} for the customers with an open complaint."""
    flagged = policies.open_complaint_customer_ids(user, [customer.pk for customer in customers])
    return {pk: [(_("Complaint open"), "text-bg-danger")] for pk in flagged}
