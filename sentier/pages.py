"""The site's own pages (home, personal data notice), under the historical "core" names."""

from django.urls import path

from core import views as core_views
from sentier import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("donnees-personnelles/", core_views.privacy, name="privacy"),
]
