def site(request):
    """The DSFR header and footer settings, on every page."""
    return {"SITE_CONFIG": SITE}


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
