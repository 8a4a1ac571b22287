from django.urls import include, path

urlpatterns = [
    path("", include("sentier.pages")),
    path("compte/", include("accounts.urls")),
    path("personnes/", include("people.urls")),
    path("journal/", include("accounts.urls_journal")),
    path("programme/", include("activity.urls")),
    path("", include("pathways.urls")),
    path("comites/", include("reporting.urls")),
    path("plan/", include("plan.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
