"""URL wiring for every app. Each URL here needs rows in tests/test_authorization_matrix.py."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.i18n import set_language

from crm import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set-language"),
    path("", include("crm.app_urls")),
    path("plans/", include("workplans.urls")),
    path("board/", include("bulletin.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
