from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customers")

    def ready(self):
        from crm import backup_checks, policies  # noqa: F401  (registers the customer rules and the backup checks)
