from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customers")

    def ready(self):
        from companylists.usage import register_usage
        from crm import audit_summaries, custom, policies  # noqa: F401  (register the customer rules, the trail's summaries)
        from crm.models import Customer

        register_usage("grade", lambda key: Customer.objects.filter(grade=key).count())
        custom.register()
