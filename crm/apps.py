from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customers")

    def ready(self):
        from companylists import lists
        from companylists.usage import register_usage
        from crm import custom, policies  # noqa: F401  (register the customer rules)
        from crm.models import Customer

        register_usage("grade", lambda key: Customer.objects.filter(grade=key).count())
        register_usage("source", lambda key: Customer.objects.filter(source=key).count())
        register_usage("industry", lambda key: Customer.objects.filter(industry=lists.industry_stored(key)).count())
        custom.register()
