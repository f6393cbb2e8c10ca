from django.urls import path

from crm.views import customers, followups, pool

app_name = "crm"

urlpatterns = [
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/new/", customers.customer_create, name="customer-create"),
    path("customers/bulk/", customers.customer_bulk, name="customer-bulk"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/type/", customers.customer_change_type, name="customer-type"),
    path("customers/<int:pk>/grade/", customers.customer_change_grade, name="customer-grade"),
    path("customers/<int:pk>/give-up/", customers.customer_give_up, name="customer-give-up"),
    path("customers/<int:pk>/delete/", customers.customer_delete, name="customer-delete"),
    path("customers/<int:pk>/photo/", customers.customer_photo, name="customer-photo"),
    path("customers/<int:pk>/share/", customers.customer_share, name="customer-share"),
    path("customers/<int:pk>/share/<int:user_pk>/revoke/", customers.customer_unshare, name="customer-unshare"),
    path("customers/<int:pk>/followups/new/", followups.followup_create, name="followup-create"),
    path("followups/", followups.followup_list, name="followup-list"),
    path("followups/<int:pk>/", followups.followup_detail, name="followup-detail"),
    path("followups/<int:pk>/edit/", followups.followup_edit, name="followup-edit"),
    path("followups/<int:pk>/continue/", followups.followup_continue, name="followup-continue"),
    path("followups/<int:pk>/delete/", followups.followup_delete, name="followup-delete"),
    path("searches/", customers.saved_search_create, name="saved-search-create"),
    path("searches/<int:pk>/rename/", customers.saved_search_rename, name="saved-search-rename"),
    path("searches/<int:pk>/delete/", customers.saved_search_delete, name="saved-search-delete"),
]

urlpatterns += [
    path("pool/", pool.pool_list, name="pool-list"),
    path("customers/<int:pk>/claim/", pool.pool_claim, name="pool-claim"),
    path("customers/<int:pk>/assign/", pool.pool_assign, name="pool-assign"),
    path("customers/<int:pk>/lock/", pool.customer_lock, name="customer-lock"),
]
