from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from accounts.context_processors import register_navigation
        from staff import audit_summaries  # noqa: F401  (the trail's summaries of offboarding)
        from staff import policies

        register_navigation("staff:user-list", _("Staff"), policies.may_manage_staff, after="reports:index")
        register_navigation("staff:audit-list", _("Audit trail"), policies.may_read_audit_trail, after="staff:user-list")
