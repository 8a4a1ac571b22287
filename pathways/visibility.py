"""Who sees which entries of a person's follow-up. Every page, timeline and export that
shows follow-up entries asks this module; nothing else decides.

Levels of a note: team (everyone who follows the person), social (social workers and
coordinators), health (health professionals only — not even the organisation's admin).
A partner organisation the file is shared with sees team entries; its health
professionals also see health entries if the person agreed to that; payroll, never.
"""

from dataclasses import dataclass

from django.db import models

from accounts import access as access_rules
from accounts.roles import Role


class Level(models.TextChoices):
    TEAM = "team", "Équipe (toutes les personnes qui suivent)"
    SOCIAL = "social", "Social (travail social et coordination)"
    HEALTH = "health", "Santé (professionnel·les de santé uniquement)"


R = Role
OWN_LEVELS = {
    R.COORDINATOR: {Level.TEAM, Level.SOCIAL},
    R.SOCIAL_WORKER: {Level.TEAM, Level.SOCIAL},
    R.HEALTH: {Level.TEAM, Level.HEALTH},
    R.OUTREACH: {Level.TEAM},
}
# Work supervisors take attendance and pay; they read no follow-up entry (programme rule).
# Structured follow-up (assessments, complex case): social and health staff, coordination.
CLINICAL_ROLES = {R.COORDINATOR, R.SOCIAL_WORKER, R.HEALTH}
# Who writes goals, referrals, exits and shares.
WRITER_ROLES = {R.COORDINATOR, R.SOCIAL_WORKER}


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
        return self.own and self.role in WRITER_ROLES | {R.HEALTH, R.OUTREACH}


NONE = Access(frozenset(), False, None)


def access(user, person) -> Access:
    from people.models import SHARE_ROLES, Share

    memberships = {m.organisation_id: m for m in access_rules.memberships(user)}
    own = memberships.get(person.organisation_id)
    if own is not None:
        return Access(frozenset(OWN_LEVELS.get(own.role, set())), True, own.role)
    shared_to = Share.objects.active().filter(person=person, organisation_id__in=memberships)
    for share in shared_to:
        role = memberships[share.organisation_id].role
        if role not in SHARE_ROLES:
            continue  # payroll, admins and funders of a partner see nothing
        levels = {Level.TEAM}
        if role == R.HEALTH and person.consent_share_health:
            levels.add(Level.HEALTH)
        return Access(frozenset(levels), False, role)
    return NONE
