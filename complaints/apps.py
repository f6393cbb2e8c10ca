from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from accounts.context_processors import register_navigation
        from complaints import policies, sections
        from crm import holds
        from crm.sections import register_customer_badges, register_customer_section

        register_customer_section("complaints/_customer_section.html", sections.customer_section)
        register_customer_badges(sections.customer_badges)
        # A customer with an open complaint stays with its salesperson: recycle_pool skips it.
        holds.register_recycle_hold(sections.OPEN_COMPLAINT_SQL)
        register_navigation("complaints:complaint-list", _("Complaints"), policies.may_use_complaints,
                            after="deals:deal-list")
