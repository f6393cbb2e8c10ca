from django.urls import path

from workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("agenda/", views.plan_agenda, name="plan-agenda"),
    path("new/", views.plan_create, name="plan-create"),
    path("customers/", views.plan_customer_search, name="plan-customer-search"),
    path("summary/", views.plan_summary, name="plan-summary"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/customers/", views.plan_edit_customer_search, name="plan-edit-customer-search"),
    path("<int:pk>/status/", views.plan_status, name="plan-status"),
    path("<int:pk>/delete/", views.plan_delete, name="plan-delete"),
]
