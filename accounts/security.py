def axes_username(request, credentials=None) -> str | None:
    """The e-mail typed at login, lower-cased so that case tricks share one failure count."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return str(value).strip().lower() or None if value else None
