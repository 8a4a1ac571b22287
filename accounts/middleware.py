from django.shortcuts import redirect
from django.urls import reverse

from accounts import access

# Pages a signed-in user may reach before passing the second factor.
OPEN_PATHS = ("accounts:otp_setup", "accounts:otp_verify", "accounts:logout")


class SecondFactorRequiredMiddleware:
    """Roles that can open a person's file must pass TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and access.needs_second_factor(user)
            and not request.path.startswith("/static/")
        ):
            if self._open is None:
                self._open = {reverse(name) for name in OPEN_PATHS}
            if request.path not in self._open:
                has_device = user.totpdevice_set.filter(confirmed=True).exists()
                target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
                return redirect(target)
        return self.get_response(request)
