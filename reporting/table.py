"""One table of a report: its cells, how it is suppressed when shared, and what it covers.

Every table says which population and which period it covers (issue 15): the scope is
written into the report's frozen data when it is generated, and its definition is printed in
the report's annex. A table a funder reads never leaves them to guess whether exited persons
count or whether a figure is of the quarter or since the start."""

from datetime import date

from core.validity import fr_date

# How a table's population relates to the report's period.
IN_PERIOD, SINCE_START, AT_END = "period", "since_start", "at_end"

# key: (population, definition). The definition is the annex's sentence for the table.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "targets": (
        SINCE_START,
        "Bénéficiaires inscrits : personnes distinctes ayant eu au moins une inscription au "
        "programme commençant au plus tard le dernier jour de la période, sorties comprises. "
        "Une prestation est une personne présente (ou partie plus tôt) à une séance tenue ; "
        "« sur la période » compte les séances de la période, « depuis le début » celles "
        "depuis le début du programme.",
    ),
    "coverage": (
        IN_PERIOD,
        "Par mois de la période : personnes inscrites au moins un jour du mois, personnes "
        "ayant travaillé au moins le minimum de séances du programme dans le mois, et "
        "prestations du mois.",
    ),
    "pay": (
        IN_PERIOD,
        "Par mois de séance : heures des prestations ; rémunérations dues (prestations "
        "réalisées), versées (paiements enregistrés, annulations déduites, comptés au mois de "
        "la séance payée) et reste à verser (dues non versées : présences non payées, paiements "
        "annulés et non refaits). Montants, non soumis au secret statistique sauf les mois dont "
        "les prestations sont masquées.",
    ),
    "attendance": (
        IN_PERIOD,
        "Présences notées aux séances tenues (non annulées) de la période, par état de "
        "présence ; les invitations sans présence notée ne sont pas comptées.",
    ),
    "awareness": (
        IN_PERIOD,
        "Séances de sensibilisation et activités alternatives datées de la période, et "
        "personnes distinctes qui y ont participé.",
    ),
    "domains": (IN_PERIOD, "Prestations de la période, par domaine d'activité du chantier."),
    "partners": (IN_PERIOD, "Prestations de la période, par partenaire de la séance."),
    "referrals": (
        IN_PERIOD,
        "Orientations datées de la période, de personnes inscrites au programme ce jour-là, par "
        "type de service, avec leur suite telle qu'elle était connue à la fin de la période "
        "(pour une orientation saisie après la période, sa première suite enregistrée).",
    ),
    "exits": (
        IN_PERIOD,
        "Sorties du dispositif datées de la période, de personnes inscrites au programme ce "
        "jour-là, par type de sortie.",
    ),
    "cohort": (
        SINCE_START,
        "Personnes inscrites depuis le début du programme (sorties comprises) ayant un bilan "
        "d'entrée et un bilan ultérieur au plus tard le dernier jour de la période : évolution "
        "entre le bilan d'entrée et le dernier bilan de leur parcours, mesurée en jours de "
        "consommation de crack sur les 7 derniers jours (le ressenti déclaré n'est pas "
        "utilisé). Chaque ligne indique sa base.",
    ),
    "profile": (
        SINCE_START,
        "Personnes distinctes inscrites depuis le début du programme (sorties comprises), par "
        "genre et par âge à leur première inscription ; « hors 18–50 ans » : admises par "
        "dérogation.",
    ),
}


def table(key, title, columns, rows, kind, shares=()):
    """kind: "grid" (counts with row and column totals, full suppression), "counts"
    (independent counts, small ones hidden), "amounts" (not suppressed)."""
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "kind": kind,
        "shares": [list(s) for s in shares],
    }


def scope(key: str, programme_start: date, start: date, end: date) -> str:
    """The population and period a table covers, in one French line."""
    population = DEFINITIONS.get(key, (IN_PERIOD, ""))[0]
    if population == SINCE_START:
        return f"Depuis le début du programme : du {fr_date(programme_start)} au {fr_date(end)}"
    if population == AT_END:
        return f"Situation au {fr_date(end)}"
    return f"Sur la période : du {fr_date(start)} au {fr_date(end)}"


def definitions(tables) -> list[list[str]]:
    """The annex: [table title, definition] for the tables of a report, in their order."""
    return [[t["title"], DEFINITIONS[t["key"]][1]] for t in tables if t["key"] in DEFINITIONS]
