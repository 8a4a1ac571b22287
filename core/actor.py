"""Who writes, and from where. Every service and every journal entry takes an Actor, never
an HTTP request, so a view, a management command or an import write through the same code
and the journal says who did it and from where."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind our own proxy, the right-most X-Forwarded-For entry is
    the one that proxy appended (entries to its left are whatever the client sent)."""
    if request is None:
        return None
    if settings.SENTIER_TRUST_X_FORWARDED_FOR:
        forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        if forwarded:
            ip = _valid_ip(forwarded[-1])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


@dataclass(frozen=True)
class Actor:
    """The account acting (None before sign-in or for the system), its address and the page
    or command it acted from. `email` names the account typed at a failed sign-in."""

    user: Any = None
    ip: str | None = None
    where: str = ""
    email: str = ""

    @classmethod
    def from_request(cls, request, user: Any = None) -> Actor:
        if user is None:
            user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        return cls(user=user, ip=client_ip(request), where=request.path[:300])

    @classmethod
    def command(cls, name: str, user: Any = None) -> Actor:
        """A management command or an import: the journal shows `commande <name>`."""
        return cls(user=user, where=f"commande {name}"[:300])

    def as_user(self, user: Any) -> Actor:
        return replace(self, user=user)
