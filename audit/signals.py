from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(request, Action.LOGIN, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(request, Action.LOGOUT, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The typed e-mail is kept (not the password): it tells an admin which account is targeted.
    email = str(credentials.get("username", ""))[:254]
    record(request, Action.LOGIN_FAILED, user=None, email=email)


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, **kwargs):
    record(request, Action.LOCKED_OUT, user=None, email=str(username or "")[:254])
