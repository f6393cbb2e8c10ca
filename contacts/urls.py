from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("customers/<int:customer_pk>/new/", views.contact_create, name="contact-create"),
    path("<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("<int:pk>/remove/", views.contact_remove, name="contact-remove"),
]
