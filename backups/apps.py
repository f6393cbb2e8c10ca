from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = _("Backups")

    def ready(self):
        from accounts.context_processors import register_navigation
        from backups import checks  # noqa: F401  (register the system checks of the backup key)
        from backups import policies

        register_navigation("backups:list", _("Backups"), policies.may_manage_backups, after="staff:audit-list")
