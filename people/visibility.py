"""Who reaches a person's file, and how far into its follow-up: the one per-person decision.

It applies the rules of accounts/roles.py through accounts/access.py; the list
(`Person.objects.visible_to`) and one file (`access(user, person)`) are built from the
same functions below, so a file that a list hides is a 404 everywhere.

- Own organisation: every role that may view persons; where the organisation restricts
  files by team, only the members of the person's team.
- A partner organisation the file is shared with (open share, the person consenting): the
  roles of SHARE_ROLES; where that organisation restricts files by team, only the members of
  the receiving team the share names (a share naming no team reaches none of them).
- Levels of the follow-up (FOLLOW_LEVELS): own staff read their role's levels; partner staff
  read team entries, and their health professionals health entries when the person agreed
  to share with health professionals at the time of the share.

This module imports nothing from the people models (they import it): the share queries go
through `person.shares`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts import access as access_rules
from accounts.roles import (
    CLINICAL_ROLES,
    FOLLOW_LEVELS,
    LEVEL_HEALTH,
    LEVEL_TEAM,
    REFERRAL_ROLES,
    SHARE_ROLES,
    WRITER_ROLES,
    Perm,
)


def team_ids(membership) -> list[int]:
    """The teams a membership is limited to (read once per request)."""
    cached = getattr(membership, "_sentier_team_ids", None)
    if cached is None:
        cached = list(membership.teams.values_list("pk", flat=True))
        membership._sentier_team_ids = cached
    return cached


def _team_scope(membership, team_field: str) -> Q:
    """Q on `team_field` for what this membership reaches in its organisation's files."""
    if membership.organisation.restrict_by_team:
        return Q(**{f"{team_field}__in": team_ids(membership)})
    return Q()


def own_scope(user) -> Q:
    """Persons of the user's own organisations that they may open (Q on Person)."""
    scope = Q(pk__in=[])
    for m in access_rules.memberships_with(user, perm=Perm.PERSON_VIEW):
        scope |= Q(organisation_id=m.organisation_id) & _team_scope(m, "team_id")
    return scope


def share_scope(user) -> Q:
    """Shares that reach the user (Q on Share; combine with Share.objects.active())."""
    scope = Q(pk__in=[])
    for m in access_rules.memberships_with(user, roles=SHARE_ROLES):
        scope |= Q(organisation_id=m.organisation_id) & _team_scope(m, "team_id")
    return scope


@dataclass(frozen=True)
class Access:
    """What one user may see and do on one person's follow-up."""

    levels: frozenset
    own: bool  # the person belongs to one of the user's organisations
    role: str | None

    @property
    def any(self) -> bool:
        return bool(self.levels)

    @property
    def note_writer(self) -> bool:
        return self.own and self.any

    @property
    def clinical(self) -> bool:
        return self.own and self.role in CLINICAL_ROLES

    @property
    def writer(self) -> bool:
        return self.own and self.role in WRITER_ROLES

    @property
    def referrals(self) -> bool:
        return self.own and self.role in REFERRAL_ROLES

    @property
    def health(self) -> bool:
        """Sees health information outside notes (health goals, referrals to care, the kind
        of an exit): clinical staff of the file, and partners who read health entries."""
        return self.clinical or LEVEL_HEALTH in self.levels


NONE = Access(frozenset(), False, None)


def access(user, person) -> Access:
    by_org = {m.organisation_id: m for m in access_rules.memberships(user)}
    own = by_org.get(person.organisation_id)
    if own is not None:
        if own.organisation.restrict_by_team and person.team_id not in team_ids(own):
            return NONE
        return Access(FOLLOW_LEVELS.get(own.role, frozenset()), True, own.role)
    scope = share_scope(user)
    for share in person.shares.active().filter(scope).order_by("pk"):
        role = by_org[share.organisation_id].role
        levels = {LEVEL_TEAM}
        # Health entries need the health consent, given when this share was made and
        # still given now: consent withdrawn then ticked again does not revive it.
        reads_health = LEVEL_HEALTH in FOLLOW_LEVELS.get(role, ())
        if reads_health and share.health and person.consent_share_health:
            levels.add(LEVEL_HEALTH)
        return Access(frozenset(levels), False, role)
    return NONE
