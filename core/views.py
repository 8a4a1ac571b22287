from django.shortcuts import render


def privacy(request):
    return render(request, "core/privacy.html", {"title": "Données personnelles"})


def csrf_failure(request, reason=""):
    return render(
        request,
        "core/error.html",
        {
            "title": "Formulaire expiré",
            "message": "Le formulaire a expiré ou a été envoyé deux fois. "
            "Revenez à la page précédente, rechargez-la et recommencez.",
        },
        status=403,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "Requête incorrecte", "message": "La demande n'a pas pu être comprise."},
        status=400,
    )


def permission_denied(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "Accès refusé", "message": "Vous n'avez pas accès à cette page."},
        status=403,
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": "Page introuvable",
            "message": "La page demandée n'existe pas ou vous n'y avez pas accès.",
        },
        status=404,
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {
            "title": "Erreur du service",
            # Not "nothing was saved": this request's own writes were rolled back, but a
            # colleague's identical one (a payment entered twice at once) may have succeeded.
            "message": "Une erreur est survenue et votre dernière action n'a pas abouti. "
            "Avant de la refaire, vérifiez la page concernée : elle a pu être enregistrée "
            "entre-temps, par exemple par un·e collègue. Si l'erreur persiste, prévenez "
            "l'administrateur·rice de votre structure.",
        },
        status=500,
    )
