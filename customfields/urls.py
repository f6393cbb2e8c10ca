from django.urls import path

from customfields import views

app_name = "customfields"

urlpatterns = [
    path("", views.field_list, name="field-list"),
    path("new/", views.field_create, name="field-create"),
    path("<int:pk>/edit/", views.field_edit, name="field-edit"),
    path("<int:pk>/hide/", views.field_hide, name="field-hide"),
    path("<int:pk>/move/", views.field_move, name="field-move"),
    path("<int:pk>/delete/", views.field_delete, name="field-delete"),
]
