"""Typed readers for the environment: a malformed value stops start-up with a message that
names the variable, never a silent default. Settings read every variable through these.

Every variable read here (or anywhere else in the repository) is listed in the table of
docs/deployment.md; core/tests/test_config.py fails when one is missing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on", "oui"}
FALSE = {"0", "false", "no", "off", "non", ""}


def _raw(name: str, env: Mapping[str, str] | None) -> str | None:
    value = (os.environ if env is None else env).get(name)
    return None if value is None else value.strip()


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{name}={value!r} is not {expected}: Sentier refuses to start (docs/deployment.md)."
    )


def env_bool(name: str, default: bool = False, env: Mapping[str, str] | None = None) -> bool:
    """1/true/yes/on (or 0/false/no/off/empty); anything else, "ture" included, is refused."""
    value = _raw(name, env)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise _refuse(name, value, "a boolean (1/0, true/false, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, env)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _refuse(name, value, "an integer") from None
    if minimum is not None and number < minimum:
        raise _refuse(name, value, f"an integer >= {minimum}")
    if maximum is not None and number > maximum:
        raise _refuse(name, value, f"an integer <= {maximum}")
    return number


def env_str(name: str, default: str = "", env: Mapping[str, str] | None = None) -> str:
    value = _raw(name, env)
    return default if value is None or value == "" else value


def env_required(name: str, env: Mapping[str, str] | None = None) -> str:
    value = _raw(name, env)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: Sentier refuses to start without it (docs/deployment.md)."
        )
    return value


def env_list(name: str, default: str = "", env: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated values, blanks dropped."""
    value = _raw(name, env)
    items = (default if value is None else value).split(",")
    return [item.strip() for item in items if item.strip()]


def check_url(name: str, value: str, schemes: set[str]) -> str:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise _refuse(name, value, "a valid URL") from None
    if parts.scheme not in schemes:
        starts = " or ".join(f"{scheme}://" for scheme in sorted(schemes))
        raise _refuse(name, value, f"a URL starting with {starts}")
    if parts.scheme != "sqlite" and not parts.hostname:
        raise _refuse(name, value, "a URL with a host name")
    return value


def env_url(
    name: str, default: str, schemes: set[str], env: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, env)
    if value is None or value == "":
        return default
    return check_url(name, value, schemes)


def env_origins(name: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated origins (https://host[:port]) as CSRF_TRUSTED_ORIGINS wants them."""
    origins = env_list(name, env=env)
    for origin in origins:
        check_url(name, origin, {"http", "https"})
    return origins
