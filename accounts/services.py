"""Account administration: the rules live here, the views only call them.

Links that give access to an account (activation of a new account, reset of a lost access)
are only ever sent by e-mail to the account's own address: the administrator who asked for
them never sees them. Attaching an existing account to an organisation is an invitation its
owner accepts after signing in."""

from __future__ import annotations

import smtplib

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access
from accounts.models import AccessReset, Membership, Organisation, User
from accounts.roles import TWO_ADMIN_ROLES, Perm
from audit.models import Action
from audit.services import record
from core.actor import Actor


class AccessTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of activation and administrator-initiated reset links. A different salt from
    the self-service "mot de passe oublié" tokens: only these links remove the second factor,
    so a self-service token cannot be replayed on them. Like Django's, a token dies as soon
    as the password changes or the account signs in."""

    key_salt = "sentier.accounts.AccessTokenGenerator"


access_tokens = AccessTokenGenerator()

# Roles whose access a single administrator cannot reset: a second administrator of the
# same organisation approves, or the person uses "mot de passe oublié" themselves.


def activation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:activate", args=[uid, access_tokens.make_token(user)])


class MailNotSent(Exception):
    """The mail server refused or did not answer; the transaction is rolled back."""

    message = (
        "Le courriel n'a pas pu être envoyé (serveur de messagerie indisponible) : rien n'a "
        "été modifié. Réessayez plus tard."
    )


def _send(user: User, template: str, context: dict) -> None:
    """One French e-mail to the account's own address, from templates/accounts/email/.
    Sent inside the caller's transaction: if the mail cannot go, nothing is recorded."""
    context = {"user": user, **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent from error


@transaction.atomic
def add_member(
    actor: Actor, organisation, *, email, full_name, role, teams, base_url: str
) -> Membership:
    """Invite the address into the organisation. A new address gets an account (no password
    yet) and an activation e-mail; an existing account gets an invitation e-mail. Either way
    the membership stays inactive until the owner accepts it after signing in, and the
    caller learns nothing about which case it was."""
    existing = User.objects.filter(email__iexact=email).first()
    created = existing is None
    user: User = (
        User.objects.create_user(email=email, password=None, full_name=full_name)
        if existing is None
        else existing
    )
    held = role in TWO_ADMIN_ROLES
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        is_active=False,
        invitation_pending=True,
        approval_pending=held,
        granted_by=actor.user,
    )
    membership.teams.set(teams)
    record(
        actor,
        Action.CREATE,
        membership,
        organisation=organisation,
        label=user.email,
        role=role,
        step="grant_requested" if held else "invitation_sent",
        new_account=created,
    )
    if not held:
        _send_invitation(membership, base_url=base_url)
    return membership


def _send_invitation(membership: Membership, *, base_url: str) -> None:
    """An account without a password yet gets an activation link; any other an invitation."""
    user = membership.user
    context = {
        "organisation": membership.organisation,
        "role": membership.get_role_display(),
        "invitations_url": base_url + reverse("accounts:invitations"),
    }
    if not user.has_usable_password():
        _send(user, "activation", {**context, "link": base_url + activation_path(user)})
    else:
        _send(user, "invitation", context)


@transaction.atomic
def hold_for_approval(actor: Actor, membership: Membership) -> None:
    """An administrator changed a member's role to one of TWO_ADMIN_ROLES: the membership is
    suspended until a second administrator approves."""
    membership.approval_pending, membership.granted_by = True, actor.user
    membership.is_active = False
    membership.save(update_fields=["approval_pending", "granted_by", "is_active"])
    access.forget(membership.user)
    _journal_grant(actor, membership, "grant_requested")


@transaction.atomic
def approve_grant(actor: Actor, membership: Membership, *, base_url: str) -> None:
    """A second administrator approves a health role: the invitation goes out (or, for a
    member who had already accepted, the role becomes active)."""
    _second_administrator(
        actor,
        membership.granted_by_id,
        membership.user_id,
        "Ce rôle doit être approuvé par un·e autre administrateur·rice que celle ou celui "
        "qui l'a donné. Rien n'a été modifié.",
    )
    membership.approval_pending = False
    if membership.invitation_pending:
        membership.save(update_fields=["approval_pending"])
        _send_invitation(membership, base_url=base_url)
    else:
        membership.is_active = True
        membership.save(update_fields=["approval_pending", "is_active"])
    _journal_grant(actor, membership, "grant_approved")


def _journal_grant(actor: Actor, membership: Membership, step: str) -> None:
    record(
        actor,
        Action.UPDATE,
        membership,
        organisation=membership.organisation,
        label=membership.user.email,
        role=membership.role,
        step=step,
    )


def pending_invitations(user: User):
    return (
        Membership.objects.filter(user=user, invitation_pending=True, approval_pending=False)
        .select_related("organisation")
        .order_by("created_at")
    )


@transaction.atomic
def answer_invitation(actor: Actor, membership: Membership, *, accept: bool) -> None:
    """Only the owner answers (the caller fetched the membership among the actor's own)."""
    organisation = membership.organisation
    if accept:
        membership.is_active, membership.invitation_pending = True, False
        membership.joined_at = timezone.now()
        membership.save(update_fields=["is_active", "invitation_pending", "joined_at"])
    step = "invitation_accepted" if accept else "invitation_declined"
    record(
        actor,
        Action.UPDATE,
        membership,
        organisation=organisation,
        label=membership.user.email,
        step=step,
    )
    if not accept:
        membership.teams.clear()
        membership.delete()
    access.forget(membership.user)


def resettable_by(admin: User, user: User) -> bool:
    """An administrator may only take back the access of accounts that live entirely in
    organisations they administer; otherwise adding someone's e-mail then resetting it
    would hand over an account of another organisation."""
    if user.is_superuser:
        return False
    mine = set(access.org_ids(admin, perm=Perm.MANAGE_ORG))
    return all(m.organisation_id in mine for m in access.memberships(user))


def needs_second_admin(user: User) -> bool:
    """A health professional anywhere: their access is reset by two administrators."""
    return access.holds(user, roles=TWO_ADMIN_ROLES)


def pending_reset(organisation: Organisation, user: User) -> AccessReset | None:
    return AccessReset.objects.filter(
        organisation=organisation, user=user, status=AccessReset.Status.PENDING
    ).first()


@transaction.atomic
def request_reset(actor: Actor, organisation: Organisation, user: User, *, base_url: str) -> bool:
    """An administrator asks to reset a member's access. Returns True when the link was sent,
    False when the request waits for a second administrator's approval."""
    if needs_second_admin(user):
        reset = pending_reset(organisation, user)
        if reset is None:
            reset = AccessReset.objects.create(
                user=user, organisation=organisation, requested_by=actor.user
            )
        record(
            actor,
            Action.CREATE,
            reset,
            organisation=organisation,
            label=user.email,
            step="reset_requested",
        )
        return False
    reset = AccessReset.objects.create(
        user=user, organisation=organisation, requested_by=actor.user
    )
    _send_reset(actor, reset, base_url=base_url)
    return True


class ApprovalRefused(Exception):
    """The approver is the one who asked (or the member): a French message explains."""


def _second_administrator(actor: Actor, first_id, member_id, refusal: str) -> None:
    """Two-administrator rule: whoever asked, and the member concerned, cannot approve."""
    if actor.user.pk in (first_id, member_id):
        raise ApprovalRefused(refusal)


@transaction.atomic
def approve_reset(actor: Actor, reset: AccessReset, *, base_url: str) -> None:
    _second_administrator(
        actor,
        reset.requested_by_id,
        reset.user_id,
        "La demande doit être approuvée par un·e autre administrateur·rice que celle ou "
        "celui qui l'a faite. Rien n'a été modifié.",
    )
    reset.approved_by = actor.user
    _send_reset(actor, reset, base_url=base_url)


def _send_reset(actor: Actor, reset: AccessReset, *, base_url: str) -> None:
    """The old password stops working at once (open sessions end with it); the second factor
    stays until the owner uses the link, so nobody else can enrol a device on the account."""
    user = reset.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    axes_reset(username=user.email)
    reset.status, reset.sent_at = AccessReset.Status.SENT, timezone.now()
    reset.save(update_fields=["status", "sent_at", "approved_by"])
    record(
        actor,
        Action.UPDATE,
        user,
        organisation=reset.organisation,
        label=user.email,
        fields=["password"],
        step="reset_link_sent",
        approved_by=reset.approved_by.email if reset.approved_by else "",
    )
    _send(
        user,
        "reset",
        {"organisation": reset.organisation, "link": base_url + activation_path(user)},
    )


@transaction.atomic
def complete_access_link(actor: Actor, user: User) -> int:
    """The owner used an activation or reset link and chose a password: the old second
    factor goes (they enrol again at the next sign-in). Returns the devices removed."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    axes_reset(username=user.email)
    record(
        actor.as_user(user),
        Action.UPDATE,
        user,
        label=user.email,
        fields=["password", "second_factor"] if count else ["password"],
        step="access_link_used",
    )
    return count
