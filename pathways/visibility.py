"""Who sees which entries of a person's follow-up. Every page, timeline, detail view and
export that shows follow-up entries asks this module (through each model's
`visible_entries(person, access)`); nothing else decides.

The per-person decision, `access(user, person)`, lives in people/visibility.py (the person
page asks it too, and people sits below pathways); it applies accounts/roles.py:
FOLLOW_LEVELS, CLINICAL_ROLES, WRITER_ROLES, REFERRAL_ROLES and SHARE_ROLES.

Levels of a note: team (everyone who follows the person), social (social workers and
coordinators), health (health professionals only — not even the organisation's admin).
A partner organisation the file is shared with sees team entries; its health
professionals also see health entries if the person agreed to that; payroll, never.

Per entry kind (each rule below returns a filter on that model, for a viewer who follows):
- notes and their earlier versions: at the viewer's levels;
- assessments and case meetings: clinical staff of the file;
- goals: health goals only to who sees health information (`Access.health`);
- referrals: referrals to care (CSAPA, withdrawal, aftercare) only to the same;
- exits: everyone who follows (the timeline shows the kind only to `Access.health`);
- shares (people/models.py): the file's writers.
"""

from django.db import models
from django.db.models import Q

from accounts import roles
from people.visibility import NONE, Access, access

__all__ = ["Access", "Level", "NONE", "access", "HEALTH_SERVICE_KINDS"]

NOTHING = Q(pk__in=[])


class Level(models.TextChoices):
    TEAM = roles.LEVEL_TEAM, "Équipe (toutes les personnes qui suivent)"
    SOCIAL = roles.LEVEL_SOCIAL, "Social (travail social et coordination)"
    HEALTH = roles.LEVEL_HEALTH, "Santé (professionnel·les de santé uniquement)"


# Service.Kind values whose referrals are health information (checked by a test).
HEALTH_SERVICE_KINDS = ("csapa", "withdrawal", "aftercare")


def notes(access: Access) -> Q:
    return Q(level__in=access.levels)


def clinical(access: Access) -> Q:
    """Assessments (they describe substance use) and case meetings."""
    return Q() if access.clinical else NOTHING


def goals(access: Access) -> Q:
    return Q() if access.health else ~Q(area="health")


def referrals(access: Access) -> Q:
    return Q() if access.health else ~Q(service__kind__in=HEALTH_SERVICE_KINDS)


def everyone(access: Access) -> Q:
    return Q()


class EntryQuerySet(models.QuerySet):
    """Follow-up entries of one person as one viewer may see them. Each entry model's
    queryset names its rule above; the timeline and every detail view go through
    visible_entries."""

    @staticmethod
    def rule(access: Access) -> Q:
        raise NotImplementedError

    def visible_entries(self, person, access: Access):
        if not access.any:
            return self.none()
        return self.filter(person=person).filter(self.rule(access))
