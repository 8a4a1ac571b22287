from django.urls import path

from accounts import views_admin, views_auth

app_name = "accounts"
urlpatterns = [
    path("connexion/", views_auth.LoginView.as_view(), name="login"),
    path("deconnexion/", views_auth.LogoutView.as_view(), name="logout"),
    path("second-facteur/activer/", views_auth.otp_setup, name="otp_setup"),
    path("second-facteur/", views_auth.otp_verify, name="otp_verify"),
    path("activer/<str:uidb64>/<str:token>/", views_auth.activate, name="activate"),
    path("invitations/", views_auth.invitations, name="invitations"),
    path("mot-de-passe-oublie/", views_auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views_auth.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe-oublie/<str:uidb64>/<str:token>/",
        views_auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        views_auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("structures/", views_admin.org_list, name="org_list"),
    path("structures/<int:org_id>/", views_admin.org_detail, name="org_detail"),
    path("structures/<int:org_id>/equipes/nouvelle/", views_admin.team_edit, name="team_add"),
    path("structures/<int:org_id>/equipes/<int:team_id>/", views_admin.team_edit, name="team_edit"),
    path("structures/<int:org_id>/comptes/nouveau/", views_admin.member_add, name="member_add"),
    path(
        "structures/<int:org_id>/comptes/<int:membership_id>/",
        views_admin.member_edit,
        name="member_edit",
    ),
    path(
        "structures/<int:org_id>/comptes/<int:membership_id>/reinitialiser/",
        views_admin.member_reset,
        name="member_reset",
    ),
    path(
        "structures/<int:org_id>/comptes/<int:membership_id>/role/approuver/",
        views_admin.member_grant_approve,
        name="member_grant_approve",
    ),
    path(
        "structures/<int:org_id>/comptes/<int:membership_id>/reinitialiser/approuver/",
        views_admin.member_reset_approve,
        name="member_reset_approve",
    ),
]
