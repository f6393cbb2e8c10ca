from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from contacts import followups, search
        from contacts.sections import customer_section
        from crm.followup_extras import register_followup_extra
        from crm.search import register_search_extension
        from crm.sections import register_customer_section
        from crm.services import register_phone_holder

        # Contacts hang on their customer: nothing to do when its owner changes (no ownership follower).
        register_customer_section("contacts/_customer_section.html", customer_section)
        register_search_extension(search.customers_by_contact)
        register_phone_holder(search.customers_holding_phone)
        register_followup_extra(followups.FIELD, field=followups.field, save=followups.save, details=followups.details)
