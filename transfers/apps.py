from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Customer import and export (SPEC §1.C, §1.D): spreadsheets in and out, as background jobs."""

    name = "transfers"
    verbose_name = _("Import")

    def ready(self):
        from transfers import audit_summaries  # noqa: F401  (how the audit trail describes imports and exports)
