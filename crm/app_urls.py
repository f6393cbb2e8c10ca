from django.urls import path

from crm.views import backups, customers

app_name = "crm"

urlpatterns = [
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/new/", customers.customer_create, name="customer-create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/type/", customers.customer_change_type, name="customer-type"),
    path("customers/<int:pk>/grade/", customers.customer_change_grade, name="customer-grade"),
    path("customers/<int:pk>/give-up/", customers.customer_give_up, name="customer-give-up"),
    path("customers/<int:pk>/delete/", customers.customer_delete, name="customer-delete"),
    path("customers/<int:pk>/photo/", customers.customer_photo, name="customer-photo"),
    path("customers/<int:pk>/share/", customers.customer_share, name="customer-share"),
    path("customers/<int:pk>/share/<int:user_pk>/revoke/", customers.customer_unshare, name="customer-unshare"),
    path("searches/", customers.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/delete/", customers.saved_search_delete, name="saved-search-delete"),
    path("backups/", backups.backup_list, name="backup-list"),
    path("backups/new/", backups.backup_create, name="backup-create"),
    path("backups/status/", backups.backup_status, name="backup-status"),
    path("backups/<int:pk>/verify/", backups.backup_verify, name="backup-verify"),
    path("backups/<int:pk>/download/", backups.backup_download, name="backup-download"),
]
