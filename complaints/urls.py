from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="complaint-list"),
    path("customers/<int:customer_pk>/new/", views.complaint_create, name="complaint-create"),
    path("<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("<int:pk>/move/", views.complaint_move, name="complaint-move"),
    path("<int:pk>/followups/", views.complaint_link, name="complaint-link"),
    path("deadlines/", views.deadline_settings, name="deadline-settings"),
]
