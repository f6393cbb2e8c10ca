"""Import and export pages. The paths stay under customers/ (what the user sees); the names are
in the `transfers` namespace."""

from django.urls import path

from transfers.views import record_imports, exports, imports

app_name = "transfers"

urlpatterns = [
    path("customers/import/", imports.customer_import, name="customer-import"),
    path("customers/import/template/", imports.customer_import_template, name="customer-import-template"),
    path("customers/import/<int:pk>/", imports.customer_import_preview, name="customer-import-preview"),
    path("customers/import/<int:pk>/columns/", imports.customer_import_columns, name="customer-import-columns"),
    path("customers/import/<int:pk>/confirm/", imports.customer_import_confirm, name="customer-import-confirm"),
    path("customers/import/columns/<int:pk>/delete/", imports.column_mapping_delete, name="column-mapping-delete"),
    path("customers/import/<int:pk>/status/", imports.customer_import_status, name="customer-import-status"),
    path("customers/import/<int:pk>/errors/", imports.customer_import_errors, name="customer-import-errors"),
    path("customers/import/<int:pk>/retry/", imports.customer_import_retry, name="customer-import-retry"),
    path("customers/import/contacts/", record_imports.record_import_upload, {"kind": "contacts"},
         name="contact-import"),
    path("customers/import/contacts/confirm/", record_imports.record_import_confirm, {"kind": "contacts"},
         name="contact-import-confirm"),
    path("customers/import/deals/", record_imports.record_import_upload, {"kind": "deals"}, name="deal-import"),
    path("customers/import/deals/confirm/", record_imports.record_import_confirm, {"kind": "deals"},
         name="deal-import-confirm"),
    path("customers/import/payments/", record_imports.record_import_upload, {"kind": "payments"},
         name="payment-import"),
    path("customers/import/payments/confirm/", record_imports.record_import_confirm, {"kind": "payments"},
         name="payment-import-confirm"),
    path("customers/import/targets/", record_imports.record_import_upload, {"kind": "targets"}, name="target-import"),
    path("customers/import/targets/confirm/", record_imports.record_import_confirm, {"kind": "targets"},
         name="target-import-confirm"),
    path("customers/export/", exports.customer_export, name="customer-export"),
    path("customers/export/followups/", exports.followup_export, name="followup-export"),
    path("customers/export/plans/", exports.plan_export, name="plan-export"),
    path("customers/export/records/<slug:kind>/", exports.record_export, name="record-export"),
    path("customers/export/<int:pk>/", exports.export_status, name="export-status"),
    path("customers/export/<int:pk>/download/", exports.export_download, name="export-download"),
]
