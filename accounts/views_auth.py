"""Login, second factor enrolment and check, account activation."""

from base64 import b32encode

import segno
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import ActivationForm, LoginForm, TokenForm
from accounts.models import User
from audit.models import Action
from audit.services import record


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}

    def get_redirect_url(self):
        # A "next" pointing back at the login page would loop; go home instead.
        url = super().get_redirect_url()
        return "" if url.startswith(reverse("accounts:login")) else url


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request) -> str:
    """A safe local path to go on to, or the home page."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else reverse("core:home")


def _not_throttled(device, form) -> bool:
    """After a wrong code the device waits (1 s, 2 s, 4 s…) before it accepts another."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", "Trop d'essais rapprochés : attendez quelques secondes.")
    return allowed


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    user = request.user
    if user.totpdevice_set.filter(confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = user.totpdevice_set.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Application d'authentification", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _not_throttled(device, form):
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(request.actor.as_user(user), Action.OTP_ENROLLED)
            messages.success(request, "Le second facteur est activé.")
            return redirect(_next_url(request))
        form.add_error("token", "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone.")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "title": "Activer le second facteur",
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    devices = list(user.totpdevice_set.filter(confirmed=True))
    if not devices:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _not_throttled(devices[0], form):
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error(
            "token",
            "Ce code n'est pas valide. Attendez le code suivant ; après plusieurs erreurs, "
            "un délai s'impose entre deux essais.",
        )
    return render(request, "accounts/otp_verify.html", {"title": "Second facteur", "form": form})


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def activate(request, uidb64, token):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(
            request,
            "core/error.html",
            {
                "title": "Lien expiré",
                "message": "Ce lien d'activation n'est plus valide. Demandez-en un nouveau à "
                "l'administrateur·rice de votre structure.",
            },
            status=404,
        )
    form = ActivationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        axes_reset(username=user.email)
        record(
            request.actor.as_user(user), Action.UPDATE, user, label=user.email, fields=["password"]
        )
        messages.success(request, "Votre mot de passe est enregistré. Connectez-vous.")
        return redirect("accounts:login")
    return render(
        request, "accounts/activate.html", {"title": "Choisir un mot de passe", "form": form}
    )
