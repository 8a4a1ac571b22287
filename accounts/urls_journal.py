from django.urls import path

from accounts import views_journal as views

# The journal keeps its historical "audit:" URL names.
app_name = "audit"
urlpatterns = [path("", views.journal, name="journal")]
