from django.urls import include, path

from crm.views import customers, exports, followups, imports, pool, reports

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
    path("customers/<int:pk>/followups/new/", followups.followup_create, name="followup-create"),
    path("followups/", followups.followup_list, name="followup-list"),
    path("followups/<int:pk>/", followups.followup_detail, name="followup-detail"),
    path("followups/<int:pk>/edit/", followups.followup_edit, name="followup-edit"),
    path("followups/<int:pk>/continue/", followups.followup_continue, name="followup-continue"),
    path("followups/<int:pk>/delete/", followups.followup_delete, name="followup-delete"),
    path("searches/", customers.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/rename/", customers.saved_search_rename, name="saved-search-rename"),
    path("searches/<int:pk>/delete/", customers.saved_search_delete, name="saved-search-delete"),
]

# Staff pages, offboarding and bulk reassignment (crm/staff_urls.py), in this namespace.
urlpatterns += [path("", include("crm.staff_urls"))]


urlpatterns += [
    path("customers/import/", imports.customer_import, name="customer-import"),
    path("customers/import/template/", imports.customer_import_template, name="customer-import-template"),
    path("customers/import/<int:pk>/", imports.customer_import_preview, name="customer-import-preview"),
    path("customers/import/<int:pk>/columns/", imports.customer_import_columns, name="customer-import-columns"),
    path("customers/import/<int:pk>/confirm/", imports.customer_import_confirm, name="customer-import-confirm"),
    path("customers/import/columns/<int:pk>/delete/", imports.column_mapping_delete, name="column-mapping-delete"),
    path("customers/import/<int:pk>/status/", imports.customer_import_status, name="customer-import-status"),
    path("customers/import/<int:pk>/errors/", imports.customer_import_errors, name="customer-import-errors"),
    path("customers/import/<int:pk>/retry/", imports.customer_import_retry, name="customer-import-retry"),
    path("customers/export/", exports.customer_export, name="customer-export"),
    path("customers/export/followups/", exports.followup_export, name="followup-export"),
    path("customers/export/plans/", exports.plan_export, name="plan-export"),
    path("customers/export/<int:pk>/", exports.export_status, name="export-status"),
    path("customers/export/<int:pk>/download/", exports.export_download, name="export-download"),
]

urlpatterns += [
    path("pool/", pool.pool_list, name="pool-list"),
    path("customers/<int:pk>/claim/", pool.pool_claim, name="pool-claim"),
    path("customers/<int:pk>/assign/", pool.pool_assign, name="pool-assign"),
    path("customers/<int:pk>/lock/", pool.customer_lock, name="customer-lock"),
]

urlpatterns += [
    path("reports/", reports.report_index, name="report-index"),
    path("reports/funnel/", reports.report_funnel, name="report-funnel"),
    path("reports/activity/", reports.report_activity, name="report-activity"),
    path("reports/pool/", reports.report_pool, name="report-pool"),
    path("reports/retention/", reports.report_retention, name="report-retention"),
    path("reports/customers/", reports.report_customers, name="report-customers"),
]
