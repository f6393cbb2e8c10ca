from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from axes.signals import user_locked_out

        from accounts import audit

        user_locked_out.connect(audit._locked_out, dispatch_uid="audit-locked-out")
