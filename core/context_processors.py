from accounts import access as access_rules
from accounts.roles import Perm


def sentier(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"SITE_CONFIG": SITE}
    return {
        "SITE_CONFIG": SITE,
        "can": {perm.name.lower(): access_rules.holds(user, perm=perm) for perm in Perm},
        "nav_ready": user.is_verified() or not user.needs_second_factor(),
        "plan_reader": _reads_a_plan(user),
    }


def _reads_a_plan(user) -> bool:
    from plan.access import is_admin, readable_plans

    return is_admin(user) or readable_plans(user).exists()


class _Site:
    site_title = "Sentier"
    site_tagline = "Suivi anonymisé des parcours et pilotage du Plan crack"
    header_brand_html = "République<br>française"
    footer_brand_html = "République<br>française"
    footer_brand = "République française"
    footer_description = (
        "Outil de suivi anonymisé — démonstration avec des données fictives uniquement."
    )
    mourning = False
    beta_tag = True
    notice_title = ""
    notice_description = ""


SITE = _Site()
