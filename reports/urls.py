"""The reports, under /reports/ (the home page is wired at "" in config/urls.py, named "home")."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("funnel/", views.report_funnel, name="funnel"),
    path("activity/", views.report_activity, name="activity"),
    path("pool/", views.report_pool, name="pool"),
    path("retention/", views.report_retention, name="retention"),
    path("customers/", views.report_customers, name="customers"),
    path("complaints/", views.report_complaints, name="complaints"),
    path("deals/", views.report_deals, name="deals"),
    path("deals/export/", views.report_deals_export, name="deals-export"),
]
