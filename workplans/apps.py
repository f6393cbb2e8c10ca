from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self):
        # Registers the plan rules with the role policy, so user.has_perm answers for plans.
        from workplans import policies  # noqa: F401
