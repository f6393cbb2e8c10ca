from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompanyListsConfig(AppConfig):
    name = "companylists"
    verbose_name = _("Company lists")

    def ready(self):
        from accounts.context_processors import register_navigation
        from companylists import policies

        register_navigation(
            "companylists:lists",  # one entry: grades, sources, industries, give-up and lost reasons
            _("Lists"),
            policies.may_edit_lists,
            after="backups:list",
        )
