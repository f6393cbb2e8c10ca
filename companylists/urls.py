"""The company's lists: settings pages for admins."""

from django.urls import path

from companylists import views

app_name = "companylists"

urlpatterns = [
    path("settings/grades/", views.grade_list, name="grades"),
    path("settings/grades/new/", views.grade_edit, name="grade-create"),
    path("settings/grades/<int:pk>/", views.grade_edit, name="grade-edit"),
    path("settings/grades/<int:pk>/active/", views.grade_active, name="grade-active"),
    path("settings/grades/<int:pk>/move/", views.grade_move, name="grade-move"),
    path("settings/grades/<int:pk>/delete/", views.grade_delete, name="grade-delete"),
]
