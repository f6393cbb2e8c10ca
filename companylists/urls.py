"""The company's lists: settings pages for admins."""

from django.urls import path

from companylists import views, views_lists

app_name = "companylists"

urlpatterns = [
    path("settings/grades/", views.grade_list, name="grades"),
    path("settings/grades/new/", views.grade_edit, name="grade-create"),
    path("settings/grades/<int:pk>/", views.grade_edit, name="grade-edit"),
    path("settings/grades/<int:pk>/active/", views.grade_active, name="grade-active"),
    path("settings/grades/<int:pk>/move/", views.grade_move, name="grade-move"),
    path("settings/grades/<int:pk>/delete/", views.grade_delete, name="grade-delete"),
    path("settings/lists/", views_lists.index, name="lists"),
    path("settings/lists/<slug:list_slug>/", views_lists.entry_list, name="entries"),
    path("settings/lists/<slug:list_slug>/new/", views_lists.entry_edit, name="entry-create"),
    path("settings/lists/<slug:list_slug>/<int:pk>/", views_lists.entry_edit, name="entry-edit"),
    path("settings/lists/<slug:list_slug>/<int:pk>/active/", views_lists.entry_active, name="entry-active"),
    path("settings/lists/<slug:list_slug>/<int:pk>/move/", views_lists.entry_move, name="entry-move"),
    path("settings/lists/<slug:list_slug>/<int:pk>/delete/", views_lists.entry_delete, name="entry-delete"),
]
