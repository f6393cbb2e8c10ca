from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("settings/", views.preference_edit, name="preference-edit"),
    path("settings/robot/", views.webhook_edit, name="webhook-edit"),
    path("settings/robot/delete/", views.webhook_delete, name="webhook-delete"),
    path("settings/calendar/", views.feed_regenerate, name="feed-regenerate"),
    path("settings/calendar/revoke/", views.feed_revoke, name="feed-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("deliveries/", views.delivery_list, name="delivery-list"),
    path("robots/<int:pk>/test/", views.webhook_test, name="webhook-test"),
    path("robots/groups/<int:group_pk>/", views.group_webhook_edit, name="group-webhook-edit"),
    path("robots/groups/<int:group_pk>/delete/", views.group_webhook_delete, name="group-webhook-delete"),
]
