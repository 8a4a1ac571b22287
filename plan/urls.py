from django.urls import path

from plan import views, views_admin

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
    path("<int:pk>/modifier/", views_admin.plan_edit, name="plan_edit"),
    path("<int:pk>/administrateurs/", views_admin.administrators, name="administrators"),
    path("<int:pk>/financements/nouveau/", views_admin.funding_add, name="funding_add"),
    path("actions/<int:pk>/modifier/", views_admin.action_edit, name="action_edit"),
    path("actions/<int:action_pk>/etapes/nouvelle/", views_admin.step_add, name="step_add"),
    path(
        "actions/<int:action_pk>/indicateurs/nouveau/",
        views_admin.indicator_edit,
        name="indicator_add",
    ),
    path(
        "actions/<int:action_pk>/indicateurs/<int:pk>/",
        views_admin.indicator_edit,
        name="indicator_edit",
    ),
]
