from django.urls import path

import people.urls  # noqa: F401  (registers the <code:…> converter)
from pathways import views, views_lists

app_name = "pathways"
P = "personnes/<code:code>/"
urlpatterns = [
    path(f"{P}parcours/", views.person_timeline, name="timeline"),
    path(f"{P}notes/nouvelle/", views.note_add, name="note_add"),
    path(f"{P}notes/<int:pk>/", views.note_edit, name="note_edit"),
    path(f"{P}bilans/nouveau/", views.assessment_add, name="assessment_add"),
    path(f"{P}projet/", views.goals, name="goals"),
    path(f"{P}projet/<int:pk>/", views.goals, name="goal_edit"),
    path(f"{P}projet/<int:pk>/etapes/", views.goal_step, name="goal_step"),
    path(f"{P}orientations/nouvelle/", views.referral, name="referral_add"),
    path(f"{P}orientations/<int:pk>/", views.referral, name="referral_edit"),
    path(f"{P}sortie/", views.exit_person, name="exit"),
    path(f"{P}partages/", views.shares, name="shares"),
    path(f"{P}partages/<int:pk>/retirer/", views.share_revoke, name="share_revoke"),
    path(f"{P}situation-complexe/", views.complex_case, name="complex"),
    path("parcours/alertes/", views_lists.alerts, name="alerts"),
    path("parcours/services/", views_lists.services, name="services"),
    path("parcours/motifs-de-sortie/", views_lists.exit_reason_add, name="exit_reason_add"),
]
