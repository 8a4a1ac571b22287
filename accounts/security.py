"""Sign-in throttling (django-axes): by account and by client address together.

An account is locked after AXES_FAILURE_LIMIT failures from anywhere; a client address is
blocked after SENTIER_LOCKOUT_IP_FAILURES failures over any accounts (higher, so that one
office behind a NAT is not locked out by a few typos). The address is core.actor.client_ip:
the proxy header only when the deployment trusts it (SENTIER_TRUST_X_FORWARDED_FOR)."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum

from core.actor import client_ip


def axes_username(request, credentials=None) -> str | None:
    """The e-mail typed at login, lower-cased so that case tricks share one failure count."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return str(value).strip().lower() or None if value else None


def axes_client_ip(request) -> str | None:
    return client_ip(request)


def _limit(parameter) -> int:
    if parameter == "ip_address":
        return settings.SENTIER_LOCKOUT_IP_FAILURES
    return settings.AXES_FAILURE_LIMIT


class SentierAxesHandler(AxesDatabaseHandler):
    """Axes compares one count with one limit. Each lockout parameter (account, address)
    has its own limit here, so the count returned is scaled to the account's limit: the
    sign-in is refused as soon as any parameter reaches its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count * settings.AXES_FAILURE_LIMIT // _limit(parameter))
        return worst
