from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomFieldsConfig(AppConfig):
    name = "customfields"
    verbose_name = _("Custom fields")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.context_processors import register_navigation
        from customfields import policies

        register_navigation("customfields:field-list", _("Custom fields"), policies.may_manage_fields,
                            after="companylists:lists")
