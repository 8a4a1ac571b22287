import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentier.settings")
application = get_wsgi_application()

# The server does not run Django's system checks: run Sentier's own (master keys match their
# stored fingerprints) and refuse to serve on an error. core/checks.py.
from core.checks import serious_problems  # noqa: E402

_problems = serious_problems()
if _problems:
    raise ImproperlyConfigured("\n".join(_problems))
