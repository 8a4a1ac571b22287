"""Roles and what each may do. Every access decision in Sentier reads this table."""

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Chargé·e de projet (coordination)"
    SUPERVISOR = "supervisor", "Encadrant·e technique"
    SOCIAL_WORKER = "social_worker", "Travailleur·se social·e"
    HEALTH = "health", "Professionnel·le de santé"
    PAYROLL = "payroll", "Paie / ressources humaines"
    OUTREACH = "outreach", "Maraude (intervenant·e de rue)"
    FUNDER = "funder", "Financeur (données agrégées)"
    ORG_ADMIN = "org_admin", "Administrateur·rice de la structure"
    STEERING_ADMIN = "steering_admin", "Administrateur·rice du pilotage du plan"


class Perm(models.TextChoices):
    PERSON_VIEW = "person_view", "consulter les dossiers"
    PERSON_EDIT = "person_edit", "enregistrer et modifier les personnes"
    ELIGIBILITY_OVERRIDE = "eligibility_override", "déroger à l'éligibilité"
    IDENTITY = "identity", "ouvrir l'identité civile"
    MANAGE_ORG = "manage_org", "gérer les équipes et les comptes"
    AUDIT_VIEW = "audit_view", "lire le journal d'audit"
    AGGREGATES = "aggregates", "consulter les indicateurs agrégés"
    PROGRAMME_MANAGE = "programme_manage", "gérer les programmes, inscriptions et partenaires"
    SESSION_MANAGE = "session_manage", "planifier les séances et noter les présences"
    PAYMENT_RECORD = "payment_record", "enregistrer les paiements du jour"
    CONTRACT_MANAGE = "contract_manage", "préparer les contrats de travail"
    PAYROLL_EXPORT = "payroll_export", "exporter la paie"
    DASHBOARD = "dashboard", "consulter le tableau de bord du programme"


R, P = Role, Perm

# The organisation administrator administers; opening a person's file is not part of it.
ROLE_PERMS: dict[str, frozenset[str]] = {
    R.COORDINATOR: frozenset(
        {
            P.PERSON_VIEW,
            P.PERSON_EDIT,
            P.ELIGIBILITY_OVERRIDE,
            P.AGGREGATES,
            P.PROGRAMME_MANAGE,
            P.SESSION_MANAGE,
            P.PAYMENT_RECORD,
            P.DASHBOARD,
        }
    ),  # fmt: skip
    R.SUPERVISOR: frozenset({P.PERSON_VIEW, P.SESSION_MANAGE, P.PAYMENT_RECORD, P.DASHBOARD}),
    R.SOCIAL_WORKER: frozenset({P.PERSON_VIEW, P.PERSON_EDIT}),
    R.HEALTH: frozenset({P.PERSON_VIEW}),
    R.PAYROLL: frozenset({P.PERSON_VIEW, P.IDENTITY, P.CONTRACT_MANAGE, P.PAYROLL_EXPORT}),
    R.OUTREACH: frozenset({P.PERSON_VIEW}),
    R.FUNDER: frozenset({P.AGGREGATES}),
    R.ORG_ADMIN: frozenset({P.MANAGE_ORG, P.AUDIT_VIEW}),
    # Plans hold no personal data: the steering administrator reaches no person.
    R.STEERING_ADMIN: frozenset({P.AGGREGATES}),
}

# Every role that can reach a person, an identity or other people's accounts needs TOTP.
SECOND_FACTOR_ROLES = frozenset(r for r in Role.values if r not in (R.FUNDER, R.STEERING_ADMIN))


def roles_with(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMS.items() if perm in perms]
