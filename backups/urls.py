"""The backups page (SPEC §8.4): paths unchanged from when it lived in crm/."""

from django.urls import path

from backups import views

app_name = "backups"

urlpatterns = [
    path("backups/", views.backup_list, name="list"),
    path("backups/new/", views.backup_create, name="create"),
    path("backups/status/", views.backup_status, name="status"),
    path("backups/<int:pk>/verify/", views.backup_verify, name="verify"),
    path("backups/<int:pk>/download/", views.backup_download, name="download"),
]
