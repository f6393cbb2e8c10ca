"""URLs of the staff pages. Their paths are the ones people know: /accounts/staff/…,
/accounts/groups/…, /accounts/audit/ and a person's page at /staff/<pk>/…"""

from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("accounts/staff/", views.user_list, name="user-list"),
    path("accounts/staff/new/", views.user_create, name="user-create"),
    path("accounts/staff/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("accounts/staff/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("accounts/groups/", views.group_list, name="group-list"),
    path("accounts/groups/new/", views.group_create, name="group-create"),
    path("accounts/groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("accounts/groups/<int:pk>/grants/", views.group_grant, name="group-grant"),
    path("accounts/groups/<int:pk>/grants/<int:user_pk>/revoke/", views.group_revoke, name="group-revoke"),
    path("accounts/audit/", views.audit_list, name="audit-list"),
    path("staff/<int:pk>/", views.user_detail, name="user-detail"),
    path("staff/<int:pk>/offboard/", views.user_offboard, name="user-offboard"),
]
