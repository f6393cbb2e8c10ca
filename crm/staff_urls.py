"""URLs of a salesperson's page, offboarding and bulk reassignment, included by crm/app_urls.py
into the crm namespace (crm:staff-detail, crm:staff-offboard, crm:customer-bulk)."""

from django.urls import path

from crm.views import customers, staff

urlpatterns = [
    path("customers/bulk/", customers.customer_bulk, name="customer-bulk"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/offboard/", staff.staff_offboard, name="staff-offboard"),
]
