from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = _("Message board and suggestions")

    def ready(self):
        # Registers the bulletin rules with the role policy, so user.has_perm answers them.
        from bulletin import policies  # noqa: F401
