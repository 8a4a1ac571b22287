"""Sentier settings, read from the environment.

Production is the default: debug stays off unless SENTIER_DEBUG=1, and the process
refuses to start without a secret key and a master data key.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Every variable goes through these typed readers: "ture" or "30min" stops start-up with a
# message naming the variable. The table of all variables: docs/deployment.md.
from core.config import env_bool, env_int, env_list, env_origins, env_required, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Older names, kept for settings blocks written with them.
env_flag = env_bool
required_env = env_required


DEBUG = env_bool("SENTIER_DEBUG")
SECRET_KEY = env_required("SENTIER_SECRET_KEY")
# "id:base64key,id:base64key": the first key wraps new data keys, the others only unwrap.
SENTIER_MASTER_KEYS = env_required("SENTIER_MASTER_KEYS")

ALLOWED_HOSTS = env_list("SENTIER_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_origins("SENTIER_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "accounts",
    "audit",
    "people",
    "activity",
    "pathways",
    "reporting",
    "plan",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    "core.middleware.ActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sentier.urls"
WSGI_APPLICATION = "sentier.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "sentier.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'var' / 'sentier.sqlite3'}",
    {"postgres", "postgresql", "pgsql", "sqlite"},
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("SENTIER_DB_CONN_MAX_AGE", 60, minimum=0)
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database is for a laptop demo: production must say it means it.
    if not DEBUG and not env_bool("SENTIER_ALLOW_SQLITE"):
        raise ImproperlyConfigured(
            "DATABASE_URL is not set: production runs on PostgreSQL. Set DATABASE_URL, or "
            "SENTIER_ALLOW_SQLITE=1 to run on the embedded SQLite on purpose "
            "(docs/deployment.md)."
        )
    # Writers take the database lock when their transaction begins (BEGIN IMMEDIATE) and wait
    # up to `timeout` seconds for it, instead of failing with "database is locked" when two
    # transactions that began as readers both try to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=env_int("SENTIER_SQLITE_TIMEOUT", 20, minimum=1),
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Short interactive queries: PostgreSQL's JIT compiler spent 13-16 ms on queries that
    # run in 20 (docs/benchmarks.md). Off for Sentier's connections only.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("SENTIER_SESSION_IDLE_MINUTES", 30, minimum=1) * 60

# Records that cannot be wrong (core/validity.py): how late a supervisor may still record a
# session's attendance and pay, and how far from its due date a follow-up assessment may be.
ATTENDANCE_LATE_DAYS = env_int("SENTIER_ATTENDANCE_LATE_DAYS", 7, minimum=0, maximum=366)
ASSESSMENT_WINDOW_DAYS = env_int("SENTIER_ASSESSMENT_WINDOW_DAYS", 45, minimum=1, maximum=180)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SENTIER_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Behind a TLS-terminating load balancer: trust its X-Forwarded-Proto, redirect to HTTPS and
# send HSTS, so activation links and cookies never travel in clear. Without it, behind a
# proxy that speaks plain HTTP to Sentier, every request looks insecure and is redirected to
# HTTPS again: a redirect loop.
if env_bool("SENTIER_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SENTIER_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SENTIER_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
# Only this host's own subdomains (none today): a sibling site of the parent domain is untouched.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from this site or carrying the nonce
# drawn for the request (the DSFR's script tags take it from request.csp_nonce); no plugins,
# no framing, forms post only here. Styles only from stylesheets of this site (no <style>
# element, no style attribute: core/static/core/sentier.css has the classes instead).
# Permissions-Policy and Cache-Control: core/security_headers.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Flash messages and DSFR components escape their text: a message quoting what a user typed
# never becomes markup (messages built with format_html stay markup).
DSFR_CONTENT_IS_SAFE = False
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# Sign-in throttling, by account and by client address together (accounts/security.py):
# five failures lock the account (by e-mail, from anywhere); SENTIER_LOCKOUT_IP_FAILURES
# failures over any accounts block the client address (higher, so one office behind a NAT
# is not locked by a few typos). The address is the proxy's X-Forwarded-For entry only
# when SENTIER_TRUST_X_FORWARDED_FOR is set (core.actor.client_ip).
AXES_FAILURE_LIMIT = 5
SENTIER_LOCKOUT_IP_FAILURES = env_int("SENTIER_LOCKOUT_IP_FAILURES", 30, minimum=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SENTIER_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.security.SentierAxesHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.security.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# E-mail: activation links, access resets and invitations go to the member's own address.
# The console in debug (the demo prints them in its terminal); SMTP otherwise.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("SENTIER_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SENTIER_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("SENTIER_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("SENTIER_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("SENTIER_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("SENTIER_DEFAULT_FROM_EMAIL", "Sentier <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

OTP_TOTP_ISSUER = "Sentier"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Client address for the audit journal: only trust X-Forwarded-For behind a known proxy.
SENTIER_TRUST_X_FORWARDED_FOR = env_bool("SENTIER_TRUST_X_FORWARDED_FOR")
SENTIER_PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
