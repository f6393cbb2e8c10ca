"""URLs for `manage.py bench` only: the project's URLs plus the admin changelists it compares
with (benchmarks.admin_sites). Never ROOT_URLCONF: the admin is not served by the CRM."""

from django.urls import path

from benchmarks.admin_sites import customers_site, pool_site
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench-admin/customers/", customers_site.urls),
    path("bench-admin/pool/", pool_site.urls),
]
