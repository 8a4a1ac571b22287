from dataclasses import replace

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.models import record_unreadable


def _actor(request, user=None, email=""):
    actor = Actor.from_request(request, user=user) if request is not None else Actor(user=user)
    return replace(actor, email=email) if email else actor


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(_actor(request, user), Action.LOGIN)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(_actor(request, user), Action.LOGOUT)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The typed e-mail is kept (not the password): it tells an admin which account is targeted.
    email = str(credentials.get("username", ""))[:254]
    record(_actor(request, email=email), Action.LOGIN_FAILED)


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, **kwargs):
    record(_actor(request, email=str(username or "")[:254]), Action.LOCKED_OUT)


@receiver(record_unreadable)
def on_unreadable(sender, instance, actor=None, **kwargs):
    """The administrator's alert: a line in the organisation's journal (ids only)."""
    parent = getattr(instance, "note", None)  # a note's earlier version
    person = getattr(instance, "person", None) or getattr(parent, "person", None)
    organisation = getattr(instance, "organisation", None) or getattr(person, "organisation", None)
    record(
        actor,
        Action.UNREADABLE,
        instance,
        organisation=organisation,
        label=getattr(person, "code", ""),
        key=instance.key_id,
    )
