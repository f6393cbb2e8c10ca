from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The operations that cause notifications call these hooks in their own transaction:
        # hand-overs through crm.ownership's followers, shares through the grant table's post_save.
        from notifications import complaints, hooks, since

        hooks.connect()
        since.connect()  # a deal saved or deleted keeps its customer's "customer since" date
        complaints.connect()  # complaints.hooks: the owner is told of a new complaint
