"""URLs for `manage.py bench` only: the project's URLs plus the admin changelists it compares
with (crm.bench_admin). Never ROOT_URLCONF: the admin is not served by the CRM."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from crm.bench_admin import customers_site, pool_site

urlpatterns = [
    *project_urlpatterns,
    path("bench-admin/customers/", customers_site.urls),
    path("bench-admin/pool/", pool_site.urls),
]
