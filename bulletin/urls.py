from django.urls import path

from bulletin import views

app_name = "bulletin"

urlpatterns = [
    path("posts/", views.post_list, name="post-list"),
    path("posts/new/", views.post_create, name="post-create"),
    path("posts/<int:pk>/", views.post_detail, name="post-detail"),
    path("posts/<int:pk>/reply/", views.reply_create, name="reply-create"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post-delete"),
    path("replies/<int:pk>/edit/", views.reply_edit, name="reply-edit"),
    path("replies/<int:pk>/delete/", views.reply_delete, name="reply-delete"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/new/", views.suggestion_create, name="suggestion-create"),
    path("suggestions/mine/", views.suggestion_mine, name="suggestion-mine"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<int:pk>/reply/", views.suggestion_reply, name="suggestion-reply"),
    path("suggestions/<int:pk>/delete/", views.suggestion_delete, name="suggestion-delete"),
]
