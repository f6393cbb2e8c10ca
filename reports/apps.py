from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.context_processors import register_navigation
        from reports import policies

        register_navigation("reports:index", _("Reports"), policies.may_see_reports, after="bulletin:suggestion-mine")
