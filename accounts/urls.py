from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("staff/", views.user_list, name="user-list"),
    path("staff/new/", views.user_create, name="user-create"),
    path("staff/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("staff/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("groups/<int:pk>/grants/", views.group_grant, name="group-grant"),
    path("groups/<int:pk>/grants/<int:user_pk>/revoke/", views.group_revoke, name="group-revoke"),
    path("audit/", views.audit_list, name="audit-list"),
]
