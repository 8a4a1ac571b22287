"""Account administration: the rules live here, the views only call them."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Organisation, User
from accounts.roles import Role


def admin_organisations(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ORG_ADMIN, memberships__is_active=True
    ).distinct()


def activation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:activate", args=[uid, token])


def add_member(organisation, *, email, full_name, role, teams) -> tuple[Membership, bool]:
    """Give a role in the organisation, creating the account if needed (no password yet)."""
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    membership.teams.set(teams)
    return membership, created


def resettable_by(admin: User, user: User) -> bool:
    """An administrator may only take back the access of accounts that live entirely in
    organisations they administer; otherwise adding someone's e-mail then resetting it
    would hand over an account of another organisation."""
    if user.is_superuser:
        return False
    mine = admin_organisations(admin).values("pk")
    return not user.memberships.filter(is_active=True).exclude(organisation__in=mine).exists()


def reset_second_factor(user: User) -> int:
    count, _ = user.totpdevice_set.all().delete()
    return count
