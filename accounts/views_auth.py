"""Login, second factor enrolment and check, account activation, invitations and the
self-service "mot de passe oublié"."""

from base64 import b32encode
from dataclasses import replace
from urllib.parse import urlencode

import segno
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import (
    ActivationForm,
    LoginForm,
    SelfPasswordResetForm,
    SelfSetPasswordForm,
    TokenForm,
)
from accounts.models import User
from audit.models import Action
from audit.services import record
from core.actor import Actor


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
    """The link of an activation or access-reset e-mail: the owner chooses a password; the old
    second factor, if any, goes with it (they enrol a new one at the next sign-in)."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not services.access_tokens.check_token(user, token):
        return render(
            request,
            "core/error.html",
            {
                "title": "Lien expiré",
                "message": "Ce lien n'est plus valide. Demandez-en un nouveau à "
                "l'administrateur·rice de votre structure, ou utilisez « Mot de passe "
                "oublié » sur la page de connexion.",
            },
            status=404,
        )
    form = ActivationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.complete_access_link(request.actor, user)
        messages.success(request, "Votre mot de passe est enregistré. Connectez-vous.")
        login_url = reverse("accounts:login")
        if services.pending_invitations(user).exists():
            login_url += "?" + urlencode({"next": reverse("accounts:invitations")})
        return redirect(login_url)
    return render(
        request, "accounts/activate.html", {"title": "Choisir un mot de passe", "form": form}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    """The signed-in owner accepts or declines the organisations that invited the account."""
    pending = services.pending_invitations(request.user)
    if request.method == "POST":
        raw = request.POST.get("membership", "")
        membership_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
        membership = pending.filter(pk=membership_id).first() if membership_id else None
        if membership is None:
            messages.error(request, "Cette invitation n'existe plus. Rien n'a été modifié.")
            return redirect("accounts:invitations")
        accept = request.POST.get("answer") == "accept"
        services.answer_invitation(request.actor, membership, accept=accept)
        if accept:
            messages.success(request, f"Vous avez rejoint {membership.organisation.name}.")
        else:
            messages.success(request, f"Invitation de {membership.organisation.name} refusée.")
        return redirect("accounts:invitations" if pending.exists() else "core:home")
    return render(
        request,
        "accounts/invitations.html",
        {"title": "Invitations", "invitations": pending},
    )


# "Mot de passe oublié": Django's views, French templates, the link to the address typed only
# if it is an account's; the page says the same thing either way. The second factor stays.


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SelfPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        record(
            replace(Actor.from_request(self.request), email=email),
            Action.UPDATE,
            None,
            step="password_reset_requested",
        )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": "Courriel envoyé"}


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SelfSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        axes_reset(username=user.email)
        record(
            self.request.actor.as_user(user),
            Action.UPDATE,
            user,
            label=user.email,
            fields=["password"],
            step="password_reset_done",
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe enregistré"}
