from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("programme/<int:programme_id>/calendrier/", views.calendar, name="calendar"),
    path("programme/<int:programme_id>/indicateurs/", views.funder_dashboard, name="dashboard"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/rapport/", views.generate, name="generate"),
    path("decisions/<int:pk>/", views.decision_status, name="decision_status"),
    path("rapports/<int:pk>/", views.report, name="report"),
    path("rapports/<int:pk>/<str:fmt>/", views.download, name="download"),
]
