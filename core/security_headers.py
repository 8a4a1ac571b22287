"""Response headers that keep what a signed-in member sees out of caches and out of reach of
features the application never uses.

The Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY,
with a nonce per request); this middleware adds what Django has no setting for.
"""

from django.utils.cache import add_never_cache_headers

# Browser features Sentier never asks for: an empty allow-list denies them to the page and to
# any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on every response to a
    signed-in member (person pages, referrals, shares, alerts, the journal, downloads), so
    neither the browser nor a proxy keeps a copy. Static files are served by WhiteNoise
    before this middleware and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        response = self.get_response(request)
        # Signing out ends the session during the request: the answer still carries the
        # signed-in page's state, so the flag read before the view decides.
        if signed_in:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
