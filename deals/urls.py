from django.urls import path

from deals import views, views_targets

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="deal-list"),
    path("board/", views.deal_board, name="deal-board"),
    path("receivables/", views.receivable_list, name="receivable-list"),
    path("customers/<int:customer_pk>/new/", views.deal_create, name="deal-create"),
    path("<int:pk>/", views.deal_detail, name="deal-detail"),
    path("<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("<int:pk>/stage/", views.deal_stage, name="deal-stage"),
    path("<int:pk>/instalments/new/", views.instalment_create, name="instalment-create"),
    path("<int:pk>/payments/new/", views.payment_create, name="payment-create"),
    path("stages/", views.stage_list, name="stage-list"),
    path("stages/new/", views.stage_create, name="stage-create"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="stage-edit"),
    path("lost-reasons/new/", views.reason_create, name="reason-create"),
    path("lost-reasons/<int:pk>/edit/", views.reason_edit, name="reason-edit"),
    path("settings/", views_targets.deal_settings, name="settings-edit"),
    path("targets/", views_targets.target_list, name="target-list"),
    path("targets/people/<int:pk>/", views_targets.target_person, name="target-person"),
    path("targets/groups/<int:pk>/", views_targets.target_group, name="target-group"),
    path("forecast/", views_targets.forecast, name="forecast"),
]
