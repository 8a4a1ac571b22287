"""Test settings: fixed throw-away keys, fast hashing. Same database choice as production
(DATABASE_URL, SQLite by default) so the suite runs on both."""

import os

os.environ.setdefault("SENTIER_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault(
    # 32 zero-free test bytes, base64; only ever used by the test suite.
    "SENTIER_MASTER_KEYS",
    "t1:dGVzdC1tYXN0ZXIta2V5LW9ubHktZm9yLXRlc3RzISE=",
)
os.environ.setdefault("SENTIER_SECURE_COOKIES", "0")
os.environ.setdefault("SENTIER_SSL_REDIRECT", "0")
os.environ.setdefault("SENTIER_HSTS_SECONDS", "0")
# The suite runs on SQLite unless DATABASE_URL says otherwise: allowed here on purpose.
os.environ.setdefault("SENTIER_ALLOW_SQLITE", "1")

from sentier.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
