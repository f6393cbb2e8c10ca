from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("<slug:kind>/<int:pk>/new/", views.attachment_upload, name="attachment-upload"),
    path("<int:pk>/", views.attachment_download, name="attachment-download"),
    path("<int:pk>/preview/", views.attachment_preview, name="attachment-preview"),
    path("<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
    path("<int:pk>/restore/", views.attachment_restore, name="attachment-restore"),
]
