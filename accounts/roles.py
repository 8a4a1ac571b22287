"""Who may do what: the rules, in one file a reader can audit in a sitting.

accounts/access.py applies them (memberships, organisation scope, the 404); the domain apps'
querysets and views ask that module and never read memberships themselves. What each URL
answers to each role is declared in sentier/access_table.py and proven by
tests/test_access_walk.py, both ways."""

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

# Every role that writes (persons, identities, accounts, plans) needs TOTP; only the funder,
# who reads aggregates and writes nothing, signs in with a password alone.
SECOND_FACTOR_ROLES = frozenset(r for r in Role.values if r != R.FUNDER)


def roles_with(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMS.items() if perm in perms]


# Roles that read health notes: giving one, or resetting the access of whoever holds one,
# takes two administrators of the organisation (or, for a reset, the person themselves).
TWO_ADMIN_ROLES = frozenset({R.HEALTH})

# --- A person's follow-up (pathways): levels of notes each role reads in its own
# organisation. Team: everyone who follows; social: social workers and coordination;
# health: health professionals only, not even the organisation's administrator.
LEVEL_TEAM, LEVEL_SOCIAL, LEVEL_HEALTH = "team", "social", "health"
FOLLOW_LEVELS: dict[str, frozenset[str]] = {
    R.COORDINATOR: frozenset({LEVEL_TEAM, LEVEL_SOCIAL}),
    R.SOCIAL_WORKER: frozenset({LEVEL_TEAM, LEVEL_SOCIAL}),
    R.HEALTH: frozenset({LEVEL_TEAM, LEVEL_HEALTH}),
    R.OUTREACH: frozenset({LEVEL_TEAM}),
}
# Work supervisors take attendance and pay; they read no follow-up entry (programme rule).
FOLLOW_ROLES = frozenset(FOLLOW_LEVELS)
# Structured follow-up (assessments, complex case, alerts): social and health staff, coordination.
CLINICAL_ROLES = frozenset({R.COORDINATOR, R.SOCIAL_WORKER, R.HEALTH})
# Who writes goals, exits and shares, and keeps the service directory.
WRITER_ROLES = frozenset({R.COORDINATOR, R.SOCIAL_WORKER})
# Who records a referral (outreach teams orient people too).
REFERRAL_ROLES = WRITER_ROLES | {R.HEALTH, R.OUTREACH}
# Partner staff who see a file shared with their organisation: team entries, and health
# entries for health professionals when the person agreed. Payroll, admins, funders: never.
SHARE_ROLES = FOLLOW_ROLES

# --- Committees (reporting): a programme's coordinators run its committees; its funders'
# staff read frozen reports and the aggregate dashboard, always in the shared version.
COMMITTEE_MANAGER_ROLES = frozenset({R.COORDINATOR})
COMMITTEE_READER_ROLES = frozenset({R.FUNDER})

# --- The plan (no personal data): every member of a steering-group organisation and of a
# funder reads it; steering administrators, who exist only in a steering-group organisation,
# administer the plans of their steering body; an action's pilot or operator organisations
# change its steps, blockers and indicator values through a writing role.
PLAN_ADMIN_ROLES = frozenset({R.STEERING_ADMIN})
PLAN_EDITOR_ROLES = frozenset({R.COORDINATOR, R.SOCIAL_WORKER, R.HEALTH, R.STEERING_ADMIN})
