from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("Attachments")

    def ready(self):
        from attachments import audit_summaries, detection, sections, services  # noqa: F401  (the trail's summaries)
        from complaints.hooks import register_complaint_files, register_complaint_section
        from crm.sections import register_customer_section, register_followup_section
        from deals.panels import register_deal_section

        register_customer_section("attachments/_section.html", sections.customer_section)
        register_followup_section("attachments/_section.html", sections.followup_section)
        register_deal_section("attachments/_section.html", sections.deal_section)
        register_complaint_section("attachments/_section.html", sections.complaint_section)
        register_complaint_files(services.complaint_files_attach, accept=detection.ACCEPT)
