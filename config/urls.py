"""URL wiring for every app. Each URL here needs rows in tests/test_authorization_matrix.py."""

from django.urls import include, path
from django.views.i18n import set_language

from reports import views as reports_views

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set-language"),
    path("", include("crm.app_urls")),
    path("", include("staff.urls")),
    path("plans/", include("workplans.urls")),
    path("board/", include("bulletin.urls")),
    path("reports/", include("reports.urls")),
    path("", include("transfers.urls")),
    path("", include("backups.urls")),
    path("", include("companylists.urls")),
    path("deals/", include("deals.urls")),
    path("settings/fields/", include("customfields.urls")),
    path("complaints/", include("complaints.urls")),
    path("attachments/", include("attachments.urls")),
    path("contacts/", include("contacts.urls")),
    path("notifications/", include("notifications.urls")),
]
# No /media/ route in any mode (issue 19.6): uploaded files are served only by views that apply
# the policy (customer photos: crm:customer-photo).
