from django.urls import path

from plan import views

app_name = "plan"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/suivi/", views.tracking, name="tracking"),
    path("<int:pk>/evaluation/<int:year>/", views.evaluation, name="evaluation"),
    path("<int:pk>/financements/", views.funding, name="funding"),
    path("<int:pk>/copier/", views.copy, name="copy"),
    path("<int:pk>/comites/", views.meeting_add, name="meeting_add"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("etapes/<int:pk>/etat/", views.step_status, name="step_status"),
    path("etapes/<int:pk>/freins/", views.blocker_add, name="blocker_add"),
    path("freins/<int:pk>/lever/", views.blocker_resolve, name="blocker_resolve"),
    path("indicateurs/<int:pk>/valeurs/", views.value_add, name="value_add"),
]
