"""Who reaches which page: the project's one access table, readable as data.

One row per URL name (and a few more rows where the same URL is asked about another kind of
object, e.g. a health note): the roles whose GET is answered and the roles whose POST is
handled, on objects of their own organisation. The role sets come from accounts/roles.py,
never copied. Everything else answers 404 (never 403): a role outside the row, an object of
another organisation (for everyone, on every URL that names an object), a file nobody shared.
An anonymous visitor is sent to the login page, except on the public pages.

tests/test_access_walk.py walks every URL of the project as every role and proves each row
both ways; `python scripts/access_doc.py` renders the table into docs/access.md, and
tests/test_access_doc.py fails when the committed file differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts import roles as rules
from accounts.roles import (
    CLINICAL_ROLES,
    COMMITTEE_MANAGER_ROLES,
    COMMITTEE_READER_ROLES,
    FOLLOW_LEVELS,
    FOLLOW_ROLES,
    LEVEL_HEALTH,
    PLAN_ADMIN_ROLES,
    PLAN_EDITOR_ROLES,
    REFERRAL_ROLES,
    SHARE_ROLES,
    WRITER_ROLES,
    Perm,
    Role,
)

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = tuple(Role.values)
SIGNED_IN = frozenset(ROLES)
EVERYONE = SIGNED_IN | {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()


def roles_with(perm: str) -> frozenset[str]:
    """The roles that hold the permission (accounts/roles.py ROLE_PERMS)."""
    return frozenset(rules.roles_with(perm))


# Who reads health notes: the roles whose follow-up levels include health.
HEALTH_NOTE_READERS: frozenset[str] = frozenset(
    role for role, levels in FOLLOW_LEVELS.items() if LEVEL_HEALTH in levels
)
# Who reads other health information of a file (health goals, referrals to care): the
# structured follow-up (coordination, social and health staff) and the health note readers.
HEALTH_READERS: frozenset[str] = frozenset(CLINICAL_ROLES) | HEALTH_NOTE_READERS
# Who reads the plan: every member of an organisation of its steering group or of its funders.
PLAN_READERS = SIGNED_IN
COMMITTEE_ROLES = frozenset(COMMITTEE_MANAGER_ROLES | COMMITTEE_READER_ROLES)


@dataclass(frozen=True)
class Row:
    name: str  # the URL name
    get: frozenset[str]  # roles whose GET is answered
    post: frozenset[str]  # roles whose POST is handled (form errors, redirect after success)
    obj: str = ""  # the object the URL names, in the walk's world ("" for lists, new objects)
    variant: str = ""  # another kind of object behind the same URL (French, for the doc)
    post_only: bool = False  # GET answers 405 (a button, not a page)
    get_status: int = 200  # what an allowed, signed-in GET answers
    anonymous_status: int | None = None  # what an anonymous GET answers, if not get_status
    content_type: str = ""  # a download: the type it is sent with
    query: str = ""  # the query string a real GET carries
    note: str = ""  # the rule in words (French, for the doc)

    @property
    def key(self) -> str:
        return f"{self.name} [{self.variant}]" if self.variant else self.name

    @property
    def public(self) -> bool:
        return ANONYMOUS in self.get | self.post


def page(name, get, post=None, **options) -> Row:
    """A page: GET for `get`, POST for `post` (the same roles unless said otherwise)."""
    return Row(name, frozenset(get), frozenset(get if post is None else post), **options)


def button(name, post, **options) -> Row:
    """A POST-only URL (a button): GET answers 405 to everyone, never revealing an object."""
    return Row(name, NOBODY, frozenset(post), post_only=True, **options)


TABLE: tuple[Row, ...] = (
    # --- The site's own pages and signing in -------------------------------------------
    page("core:home", SIGNED_IN),
    page("core:privacy", EVERYONE),
    page(
        "accounts:login",
        EVERYONE,
        get_status=302,
        anonymous_status=200,
        note="Une personne déjà connectée est renvoyée vers l'accueil.",
    ),
    button("accounts:logout", EVERYONE),
    page(
        "accounts:otp_setup",
        SIGNED_IN,
        get_status=302,
        note="Un second facteur déjà actif renvoie vers sa vérification.",
    ),
    page("accounts:otp_verify", SIGNED_IN),
    page(
        "accounts:activate",
        EVERYONE,
        obj="activation",
        note="Le lien porte un jeton à usage unique ; un jeton faux ou expiré répond 404.",
    ),
    page(
        "accounts:invitations",
        SIGNED_IN,
        note="Le titulaire du compte accepte ou refuse le rôle qu'une structure lui propose.",
    ),
    page(
        "accounts:password_reset",
        EVERYONE,
        note="La page dit la même chose que l'adresse soit celle d'un compte ou non.",
    ),
    page("accounts:password_reset_done", EVERYONE),
    page(
        "accounts:password_reset_confirm",
        EVERYONE,
        obj="password_reset",
        get_status=302,
        note="Lien reçu par courriel ; un jeton valide mène au choix du mot de passe.",
    ),
    page("accounts:password_reset_complete", EVERYONE),
    # --- Administration of an organisation (its administrator) ----------------------------
    page(
        "accounts:org_list",
        roles_with(Perm.MANAGE_ORG),
        get_status=302,
        note="Une seule structure administrée : renvoi vers sa page.",
    ),
    page("accounts:org_detail", roles_with(Perm.MANAGE_ORG), obj="org"),
    page("accounts:team_add", roles_with(Perm.MANAGE_ORG), obj="org"),
    page("accounts:team_edit", roles_with(Perm.MANAGE_ORG), obj="team"),
    page("accounts:member_add", roles_with(Perm.MANAGE_ORG), obj="org"),
    page("accounts:member_edit", roles_with(Perm.MANAGE_ORG), obj="membership"),
    button(
        "accounts:member_reset",
        roles_with(Perm.MANAGE_ORG),
        obj="membership",
        note="Le lien part à l'adresse du compte, jamais à l'administrateur·rice ; "
        "pour un·e professionnel·le de santé, la demande attend une deuxième administration.",
    ),
    button(
        "accounts:member_reset_approve",
        roles_with(Perm.MANAGE_ORG),
        obj="membership",
        note="Une deuxième administration de la structure approuve la demande.",
    ),
    button(
        "accounts:member_grant_approve",
        roles_with(Perm.MANAGE_ORG),
        obj="pending_grant",
        note="Le rôle santé donné par une administration attend l'accord d'une deuxième.",
    ),
    page("audit:journal", roles_with(Perm.AUDIT_VIEW)),
    # --- Persons (pseudonymous registry) and civil identity ----------------------------------
    page("people:list", roles_with(Perm.PERSON_VIEW)),
    page("people:create", roles_with(Perm.PERSON_EDIT)),
    page("people:detail", roles_with(Perm.PERSON_VIEW), obj="person"),
    page(
        "people:detail",
        SHARE_ROLES,
        obj="shared_person",
        variant="dossier partagé",
        note="Dossier d'une autre structure, partagé avec la nôtre avec l'accord de la personne.",
    ),
    page("people:edit", roles_with(Perm.PERSON_EDIT), obj="person"),
    page("people:edit", NOBODY, obj="shared_person", variant="dossier partagé"),
    button("people:override", roles_with(Perm.ELIGIBILITY_OVERRIDE), obj="person"),
    button("people:override_revoke", roles_with(Perm.ELIGIBILITY_OVERRIDE), obj="person"),
    page("people:identity", roles_with(Perm.IDENTITY), obj="person"),
    page("people:identity_edit", roles_with(Perm.IDENTITY), obj="person"),
    # --- Follow-up of a person (pathways) --------------------------------------------------
    page("pathways:timeline", FOLLOW_ROLES, obj="person"),
    page(
        "pathways:timeline",
        SHARE_ROLES,
        obj="shared_person",
        variant="dossier partagé",
        note="Les entrées d'équipe seulement (santé : avec l'accord de la personne).",
    ),
    page("pathways:note_add", FOLLOW_ROLES, obj="person"),
    page("pathways:note_add", NOBODY, obj="shared_person", variant="dossier partagé"),
    page("pathways:note_edit", FOLLOW_ROLES, obj="note", note="Une note de niveau « équipe »."),
    page(
        "pathways:note_edit",
        HEALTH_NOTE_READERS,
        obj="health_note",
        variant="note de santé",
        note="Pas même l'administrateur·rice de la structure.",
    ),
    page(
        "pathways:note_edit",
        SHARE_ROLES,
        NOBODY,
        obj="shared_note",
        variant="dossier partagé",
        note="Le partenaire lit, il n'écrit jamais.",
    ),
    page(
        "pathways:note_edit",
        SHARE_ROLES & HEALTH_NOTE_READERS,
        NOBODY,
        obj="shared_health_note",
        variant="note de santé d'un dossier partagé",
        note="Si la personne a accepté le partage avec les professionnel·les de santé.",
    ),
    page("pathways:assessment_add", CLINICAL_ROLES, obj="person"),
    page("pathways:goals", FOLLOW_ROLES, WRITER_ROLES, obj="person"),
    page("pathways:goal_edit", FOLLOW_ROLES, WRITER_ROLES, obj="goal"),
    page(
        "pathways:goal_edit",
        HEALTH_READERS,
        WRITER_ROLES,
        obj="health_goal",
        variant="objectif de santé",
    ),
    button("pathways:goal_step", WRITER_ROLES, obj="goal"),
    page("pathways:referral_add", REFERRAL_ROLES, obj="person"),
    page("pathways:referral_edit", REFERRAL_ROLES, obj="referral"),
    # Issue 13 #4: the detail view hides what the timeline hides (outreach: 404).
    page(
        "pathways:referral_edit",
        HEALTH_READERS & REFERRAL_ROLES,
        obj="health_referral",
        variant="orientation santé (CSAPA, sevrage, postcure)",
    ),
    page("pathways:exit", WRITER_ROLES, obj="person"),
    page("pathways:shares", WRITER_ROLES, obj="person"),
    button("pathways:share_revoke", WRITER_ROLES, obj="share"),
    page("pathways:complex", CLINICAL_ROLES, obj="person"),
    page("pathways:alerts", CLINICAL_ROLES),
    page("pathways:services", WRITER_ROLES),
    button("pathways:exit_reason_add", WRITER_ROLES),
    # --- Programme, sessions, pay (activity) -----------------------------------------------
    page("activity:programmes", roles_with(Perm.DASHBOARD)),
    page("activity:programme_add", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:programme", roles_with(Perm.DASHBOARD), obj="programme"),
    page("activity:programme_edit", roles_with(Perm.PROGRAMME_MANAGE), obj="programme"),
    page("activity:enrolments", roles_with(Perm.PROGRAMME_MANAGE), obj="programme"),
    page("activity:enrol", roles_with(Perm.PROGRAMME_MANAGE), obj="programme"),
    page("activity:enrolment_end", roles_with(Perm.PROGRAMME_MANAGE), obj="enrolment"),
    page("activity:partners", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:partner_add", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:partner", roles_with(Perm.PROGRAMME_MANAGE), obj="partner"),
    page("activity:partner_edit", roles_with(Perm.PROGRAMME_MANAGE), obj="partner"),
    page("activity:worksites", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:worksite_add", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:worksite_edit", roles_with(Perm.PROGRAMME_MANAGE), obj="worksite"),
    button("activity:domain_add", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:sessions", roles_with(Perm.SESSION_MANAGE)),
    page("activity:today", roles_with(Perm.SESSION_MANAGE)),
    page("activity:session_add", roles_with(Perm.SESSION_MANAGE)),
    page("activity:session", roles_with(Perm.SESSION_MANAGE), obj="session"),
    button("activity:session_invite", roles_with(Perm.SESSION_MANAGE), obj="session"),
    button("activity:session_cancel", roles_with(Perm.SESSION_MANAGE), obj="session"),
    page("activity:attendance", roles_with(Perm.SESSION_MANAGE), obj="participation"),
    page("activity:payment", roles_with(Perm.PAYMENT_RECORD), obj="participation"),
    page("activity:payment_reverse", roles_with(Perm.PAYMENT_RECORD), obj="payment"),
    page("activity:contracts", roles_with(Perm.CONTRACT_MANAGE)),
    page("activity:contract_add", roles_with(Perm.CONTRACT_MANAGE)),
    page(
        "activity:contract_pdf",
        roles_with(Perm.CONTRACT_MANAGE),
        obj="contract",
        content_type="application/pdf",
        note="Ouvre l'identité civile (journalisé).",
    ),
    page("activity:contract_sign", roles_with(Perm.CONTRACT_MANAGE), obj="draft_contract"),
    button("activity:contract_cancel", roles_with(Perm.CONTRACT_MANAGE), obj="draft_contract"),
    page(
        "activity:payroll_export",
        roles_with(Perm.PAYROLL_EXPORT),
        query="month={month}&format=csv",
        content_type="text/csv",
        note="Ouvre l'identité civile (journalisé).",
    ),
    page("activity:awareness", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:awareness_add", roles_with(Perm.PROGRAMME_MANAGE)),
    page("activity:awareness_edit", roles_with(Perm.PROGRAMME_MANAGE), obj="awareness"),
    page("activity:alternative_add", roles_with(Perm.PROGRAMME_MANAGE)),
    button("activity:alternative_kind_add", roles_with(Perm.PROGRAMME_MANAGE)),
    # --- Committees and reports (reporting) ------------------------------------------------
    page(
        "reporting:list",
        COMMITTEE_ROLES,
        note="Financeur : les programmes que sa structure finance.",
    ),
    button("reporting:calendar", COMMITTEE_MANAGER_ROLES, obj="programme"),
    page("reporting:dashboard", COMMITTEE_ROLES, obj="programme", note="Chiffres masqués sous 5."),
    page("reporting:meeting", COMMITTEE_MANAGER_ROLES, obj="meeting"),
    # Issue 13 #1: a plan administrator manages the committees of their steering body's plans.
    page(
        "reporting:meeting",
        PLAN_ADMIN_ROLES,
        obj="plan_meeting",
        variant="comité d'un plan",
    ),
    button("reporting:decision_add", COMMITTEE_MANAGER_ROLES, obj="meeting"),
    button(
        "reporting:decision_add",
        PLAN_ADMIN_ROLES,
        obj="plan_meeting",
        variant="comité d'un plan",
    ),
    button("reporting:generate", COMMITTEE_MANAGER_ROLES, obj="meeting"),
    button(
        "reporting:generate",
        NOBODY,
        obj="plan_meeting",
        variant="comité d'un plan",
        note="Le rapport figé est celui d'un programme.",
    ),
    button("reporting:decision_status", COMMITTEE_MANAGER_ROLES, obj="decision"),
    button(
        "reporting:decision_status",
        PLAN_ADMIN_ROLES,
        obj="plan_decision",
        variant="décision d'un comité de plan",
    ),
    page(
        "reporting:report",
        COMMITTEE_ROLES,
        obj="report",
        note="Financeur : toujours la version partagée (petits effectifs masqués).",
    ),
    page(
        "reporting:download",
        COMMITTEE_ROLES,
        obj="report",
        content_type="text/csv",
    ),
    # --- The plan (no personal data) --------------------------------------------------------
    # Own organisation, for the plan: a plan whose steering group (or funders) includes the
    # user's organisation; an action whose pilots or operators include it.
    # Issue 13 #1: a plan administrator administers the plans of their steering body only.
    page("plan:list", PLAN_READERS),
    page("plan:dashboard", PLAN_READERS, obj="plan"),
    page("plan:tracking", PLAN_READERS, obj="plan"),
    page("plan:evaluation", PLAN_READERS, obj="plan"),
    page("plan:funding", PLAN_READERS, obj="plan"),
    page("plan:action", PLAN_READERS, obj="plan_action"),
    page("plan:copy", PLAN_ADMIN_ROLES, obj="plan"),
    button("plan:meeting_add", PLAN_ADMIN_ROLES, obj="plan"),
    page("plan:plan_edit", PLAN_ADMIN_ROLES, obj="plan"),
    page(
        "plan:administrators",
        PLAN_ADMIN_ROLES,
        obj="plan",
        note="Le rôle ne se donne qu'à un compte d'une structure du comité de pilotage.",
    ),
    page("plan:funding_add", PLAN_ADMIN_ROLES, obj="plan"),
    page("plan:action_edit", PLAN_ADMIN_ROLES, obj="plan_action"),
    page("plan:step_add", PLAN_ADMIN_ROLES, obj="plan_action"),
    page("plan:indicator_add", PLAN_ADMIN_ROLES, obj="plan_action"),
    page("plan:indicator_edit", PLAN_ADMIN_ROLES, obj="plan_indicator"),
    # Issue 13: a pilot's or operator's member needs a writing role (PLAN_EDITOR_ROLES).
    button("plan:step_status", PLAN_EDITOR_ROLES, obj="plan_step"),
    button("plan:blocker_add", PLAN_EDITOR_ROLES, obj="plan_step"),
    button("plan:blocker_resolve", PLAN_EDITOR_ROLES, obj="plan_blocker"),
    button("plan:value_add", PLAN_EDITOR_ROLES, obj="plan_indicator"),
    button(
        "plan:step_status",
        PLAN_ADMIN_ROLES,
        obj="piloted_step",
        variant="action pilotée par une autre structure",
        note="Seule l'administration du plan change l'étape d'une action pilotée ailleurs.",
    ),
)

BY_NAME: dict[str, list[Row]] = {}
for _row in TABLE:
    BY_NAME.setdefault(_row.name, []).append(_row)


# --- docs/access.md, rendered from the table (python scripts/access_doc.py) ---------------

ROLE_HEADINGS = {
    Role.COORDINATOR: "Coord.",
    Role.SUPERVISOR: "Encadr.",
    Role.SOCIAL_WORKER: "Social",
    Role.HEALTH: "Santé",
    Role.PAYROLL: "Paie",
    Role.OUTREACH: "Maraude",
    Role.FUNDER: "Financ.",
    Role.ORG_ADMIN: "Admin.",
    Role.STEERING_ADMIN: "Pilot.",
    ANONYMOUS: "Anonyme",
}
SECTIONS = {
    "core": "Accueil",
    "accounts": "Connexion et administration des structures",
    "audit": "Journal d'audit",
    "people": "Personnes et identité civile",
    "pathways": "Suivi des parcours",
    "activity": "Programme, séances et paie",
    "reporting": "Comités et rapports",
    "plan": "Plan (pilotage, sans donnée personnelle)",
}

PREAMBLE = """\
# Qui accède à quoi

Ce document est **généré** depuis `sentier/access_table.py`, la table d'accès du projet : ne
le modifiez pas à la main, modifiez la table puis lancez `python scripts/access_doc.py`.
`tests/test_access_doc.py` échoue quand ce fichier ne correspond plus à la table, et
`tests/test_access_walk.py` prouve chaque ligne dans les deux sens : chaque rôle demande
chaque adresse du site, en GET et en POST, sur un objet de sa structure puis sur le même
objet d'une autre structure.

## Comment lire

- Dans chaque case : GET / POST (pour un bouton : POST seul).
- **✓** : le rôle obtient la page (GET) ou son enregistrement est traité (POST : formulaire
  renvoyé avec ses erreurs, ou redirection après succès). **—** : la réponse est **404**.
  **conn.** : renvoi vers la page de connexion (colonne « Anonyme »).
- **Jamais 403** : un refus répond 404, « cette page n'existe pas », pour ne même pas
  confirmer qu'un dossier, une note ou un contrat existe.
- **Sa structure, pas une autre.** Les ✓ valent pour les objets de la structure de la
  personne connectée. Le même objet d'une autre structure répond 404 à tout le monde, sur
  toutes les adresses qui désignent un objet. Pour un financeur, « sa structure » désigne
  les programmes et plans qu'elle finance ; pour le plan, un plan dont le comité de pilotage
  compte la structure, et une action dont elle est pilote ou opératrice.
- **Partage.** Le dossier d'une autre structure partagé avec la nôtre, avec l'accord de la
  personne, s'ouvre aux rôles qui suivent les personnes, en lecture seule : entrées
  d'équipe, et entrées de santé pour les professionnel·les de santé si la personne l'a
  accepté. Paie, administration et financeurs n'y ont jamais accès.
- **Bouton** : une adresse qui n'accepte que POST. Un GET y répond 405 (méthode non
  permise), de la même façon quel que soit l'objet : cela ne révèle rien.
- **Anonyme** : une personne non connectée est renvoyée vers la page de connexion, sauf sur
  les pages publiques (connexion, mot de passe oublié, lien d'activation, données
  personnelles).
- **Second facteur** : tous les rôles sauf le financeur (agrégats seulement) passent le
  second facteur (TOTP) avant toute autre page.
- Une ligne « [variante] » répète une adresse pour un autre genre d'objet (note de santé,
  dossier partagé…).

Rôles : {roles}.
"""


def _mark(allowed: bool, who: str) -> str:
    if allowed:
        return "✓"
    return "conn." if who == ANONYMOUS else "—"


def _routes() -> dict[str, str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", "/" + prefix + str(entry.pattern)

    return dict(walk(get_resolver().url_patterns, "", ""))


def render_markdown() -> str:
    """docs/access.md: one table per app, a ✓ or a — per role for GET and for POST."""
    columns = [*ROLES, ANONYMOUS]
    labels = {**dict(Role.choices), ANONYMOUS: "non connecté·e"}
    roles = ", ".join(f"**{ROLE_HEADINGS[c]}** {labels[c]}" for c in columns)
    lines = [PREAMBLE.format(roles=roles)]
    routes = _routes()
    for app, title in SECTIONS.items():
        rows = [row for row in TABLE if row.name.split(":")[0] == app]
        if not rows:
            continue
        lines += [f"## {title}", ""]
        lines.append(
            "| adresse | " + " | ".join(ROLE_HEADINGS[c] for c in columns) + " | remarque |"
        )
        lines.append("| --- |" + " :-: |" * len(columns) + " --- |")
        for row in rows:
            what = f"`{row.name}`"
            if row.variant:
                what += f" [{row.variant}]"
            what += f"<br>`{routes.get(row.name, '?')}`"
            if row.post_only:
                cells = [f"POST {_mark(c in row.post, c)}" for c in columns]
                remark = "Bouton (GET : 405). " + row.note
            else:
                cells = [f"{_mark(c in row.get, c)} / {_mark(c in row.post, c)}" for c in columns]
                remark = row.note
            lines.append(f"| {what} | " + " | ".join(cells) + f" | {remark.strip()} |")
        lines.append("")
    return "\n".join(lines) + "\n"
