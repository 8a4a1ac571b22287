"""The publication ledger: disclosure control across everything a programme's funders can
see (issue 15).

Each shared report and each month of the funders' dashboard is published once and frozen
(`Publication`): its tables exactly as funders read them, and each released cell written as
a sum of *atoms* — counts that do not overlap and that every table is made of:
  p|day|domain|partner|status   participations recorded at a session held that day;
  e|day|gender|age band         persons whose first enrolment in the programme is that day;
  x|day|kind, r|day|kind        exits, referrals of that day;
  ro|as of|segment|kind|outcome referrals of a segment (a month within the period) by the
                                outcome known at the end of a report's period;
  aw|day, alt|day               awareness sessions, alternative activities of that day;
and, for distinct-person counts that are no sum, one variable per meaning ("cov-enrolled|
2026-03" is the same unknown in every publication that shows March). Linear relations the
reader knows between them (outcomes add up to the referrals, persons at the minimum are
among those enrolled…) are kept as `relations`.

A new publication is suppressed jointly with the ledger: cells with the same atoms are one
cell (hidden everywhere if hidden anywhere; what the ledger showed stays shown, what it hid
stays hidden); a count in 1..t-1 reads "< t"; then, as long as a mixed-integer programme
over the atoms (non-negative integers; shown cells fixed; "< t" in 1..t-1; "s" 0 or at
least t) pins a hidden cell to one value, one more new cell linked to it is hidden, smallest
first, or, when none can be, the new table is withheld.

Not protected, knowingly: amounts (hours, pay) are no counts — a month's amounts are hidden
with its prestations and nothing else; a correction between two publications (a figure
released, then revised) can be read as the difference of the two; relations between
distinct-person counts other than those listed (a month's enrolled among all enrolled…) are
not modelled; referral outcomes of two periods cutting one month differently are not
linked; a report frozen before the ledger is published from today's atoms, and its cells
that they no longer make are unknowns of their own."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from activity.models import AlternativeActivity, AwarenessSession, Enrolment, Participation
from activity.models.sessions import WORKED, Attendance
from core.dates import month_bounds, month_end, month_start
from pathways.models import Exit, Referral, Service
from reporting import figures
from reporting import figures_followup as followup
from reporting.figures_profile import COLUMNS, band
from reporting.models import DisclosurePolicy, Publication, Report
from reporting.render import present as present_exact
from reporting.suppression import DEFAULT_THRESHOLD, MIN_THRESHOLD, SECONDARY_MARK, WITHHELD

log = logging.getLogger(__name__)

SHOWN, SMALL, SECONDARY = "shown", "small", "secondary"
NOT_COUNTED = "not counted"  # a column that is no count (a target): never suppressed
NO_PARTNER = "Sans partenaire"  # the label figures.build gives a missing domain or partner


# --- The programme's threshold -------------------------------------------------------------


def policy(programme) -> DisclosurePolicy:
    found, _ = DisclosurePolicy.objects.get_or_create(
        programme=programme, defaults={"threshold": DEFAULT_THRESHOLD}
    )
    return found


def threshold_of(programme) -> int:
    found = DisclosurePolicy.objects.filter(programme=programme).first()
    return found.threshold if found else DEFAULT_THRESHOLD


def set_threshold(programme, threshold: int) -> DisclosurePolicy:
    """The programme's threshold, refused below 3 and once anything was published with the
    current one (the ledger's cells were suppressed with it)."""
    if threshold < MIN_THRESHOLD:
        raise ValidationError({"threshold": f"Le seuil ne peut être inférieur à {MIN_THRESHOLD}."})
    with transaction.atomic():
        current = policy(programme)
        current = DisclosurePolicy.objects.select_for_update().get(pk=current.pk)
        if current.threshold == threshold:
            return current
        first = Publication.objects.filter(programme=programme).order_by("created_at").first()
        if first is not None:
            raise ValidationError(
                {
                    "threshold": f"Le seuil de ce programme est de {current.threshold} depuis "
                    f"sa première publication aux financeurs, le "
                    f"{timezone.localtime(first.created_at):%d/%m/%Y} : il ne peut plus "
                    "changer, sans quoi des effectifs masqués se recouperaient."
                }
            )
        current.threshold = threshold
        current.save(update_fields=["threshold"])
        return current


# --- Atoms ---------------------------------------------------------------------------------


class Atoms:
    """The programme's atomic counts up to the end of `end`'s month, from the database."""

    def __init__(self, programme, end: date):
        self.programme = programme
        self.values: dict[str, int] = {}
        last = month_end(end)
        self.p = []  # (day, domain, partner, status, key)
        rows = (
            Participation.objects.filter(
                session__programme=programme,
                session__cancelled=False,
                session__date__lte=last,
            )
            .exclude(status=Attendance.INVITED)
            .values_list(
                "session__date",
                Coalesce("session__worksite__domain__name", Value(NO_PARTNER)),
                Coalesce("session__partner__name", Value(NO_PARTNER)),
                "status",
            )
            .annotate(n=Count("id"))
            .order_by()
        )
        for day, domain, partner, status, n in rows:
            key = f"p|{day}|{domain}|{partner}|{status}"
            self.p.append((day, domain, partner, status, key))
            self.values[key] = n
        self.e = []  # (day, gender column, band, key)
        firsts = (
            Enrolment.objects.filter(programme=programme, start_date__lte=last)
            .values("person", "person__gender", "person__birth_year", "person__birth_month")
            .annotate(first=Min("start_date"))
            .order_by()
        )
        for row in firsts:
            column = next(name for name, genders in COLUMNS if row["person__gender"] in genders)
            age = band(row["person__birth_year"], row["person__birth_month"], row["first"])
            key = f"e|{row['first']}|{column}|{age}"
            if key not in self.values:
                self.e.append((row["first"], column, age, key))
            self.values[key] = self.values.get(key, 0) + 1
        self.x = self._dated(
            "x",
            Exit.objects.filter(date__lte=last).filter(followup._enrolled_that_day(programme)),
            "kind",
        )
        self.r = self._dated(
            "r",
            Referral.objects.filter(date__lte=last).filter(followup._enrolled_that_day(programme)),
            "service__kind",
        )
        self.aw = self._dated("aw", AwarenessSession.objects.filter(programme=programme), None)
        self.alt = self._dated("alt", AlternativeActivity.objects.filter(programme=programme), None)

    def _dated(self, family, queryset, field_name):
        fields = ["date"] + ([field_name] if field_name else [])
        found = []
        for row in queryset.values_list(*fields).annotate(n=Count("id")).order_by():
            day, *rest, n = row
            key = "|".join([family, str(day), *map(str, rest)])
            found.append((day, *rest, key))
            self.values[key] = self.values.get(key, 0) + n
        return found

    def worked(self, first, last, **match) -> set[str]:
        return {
            key
            for day, domain, partner, status, key in self.p
            if first <= day <= last
            and status in WORKED
            and match.get("domain", domain) == domain
            and match.get("partner", partner) == partner
        }


@dataclass
class Release:
    """A publication's cells before suppression: per table, per presented position, the
    atoms the cell sums (a frozenset) and its value; and the relations between atoms."""

    positions: list[dict] = field(default_factory=list)  # per table: {(r, c): (atoms, value)}
    relations: list[tuple[dict[str, int], float, float]] = field(default_factory=list)
    atom_values: dict[str, int] = field(default_factory=dict)


def _month_of(label: str) -> date | None:
    try:
        month, year = label.split("/")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def release(programme, raw_tables, start: date, end: date) -> Release:
    """Each count cell of the raw tables, as the atoms it sums (see the module's doc)."""
    atoms = Atoms(programme, end)
    out = Release(atom_values=dict(atoms.values))
    enrolled_by_end = {k for day, _c, _b, k in atoms.e if day <= end}
    statuses = {label: value for value, label in Attendance.choices}
    worked_period = atoms.worked(start, end)
    added_relations: set = set()

    def relate(coefs: dict[str, int], low=0.0, high=0.0):
        signature = (tuple(sorted(coefs.items())), low, high)
        if signature not in added_relations and coefs:
            added_relations.add(signature)
            out.relations.append((coefs, low, high))

    variables: set[str] = set()

    def var(name):
        """A distinct-person count: an unknown of its own, the same in every publication."""
        variables.add(name)
        return frozenset([name])

    def referral_rows(tab):
        """Outcome atoms as of `end`, per month segment of the period, each segment's
        outcomes adding up to its referrals."""
        kinds = {label: kind for kind, label in Service.Kind.choices}
        outcome_values = [value for value, _label in Referral.Outcome.choices]
        outcomes = (
            Referral.objects.filter(date__range=(start, end))
            .filter(followup._enrolled_that_day(programme))
            .annotate(outcome_then=followup.outcome_as_of(end))
            .values_list("date", "service__kind", "outcome_then")
        )
        counted: dict[str, int] = defaultdict(int)
        for day, kind, outcome in outcomes:
            counted[_ro_key(end, _segment(day, start, end), kind, outcome)] += 1
        out.atom_values.update(counted)
        segments = defaultdict(set)
        for day, kind, key in atoms.r:
            if start <= day <= end:
                segments[(_segment(day, start, end), kind)].add(key)
        for (segment, kind), keys in segments.items():
            coefs = {k: -1 for k in keys}
            for o in outcome_values:
                coefs[_ro_key(end, segment, kind, o)] = 1
            relate(coefs)
        result = []
        for row in tab["rows"]:
            kind = kinds.get(row[0])
            result.append(
                [
                    frozenset(
                        _ro_key(end, segment, kind, o) for (segment, k) in segments if k == kind
                    )
                    for o in outcome_values
                ]
            )
        return result

    def cohort_rows(tab):
        names = ["using", "notusing", "less", "stopped", "sleep", "health"]
        bases = ["base", "base", "using", "using", "base", "base"]
        v = {n: f"cohort-{n}|{end}" for n in set(names) | {"base"}}
        relate({v["base"]: 1, v["using"]: -1, v["notusing"]: -1})
        for part, whole in (
            ("less", "using"),
            ("stopped", "less"),
            ("sleep", "base"),
            ("health", "base"),
        ):
            relate({v[whole]: 1, v[part]: -1}, 0.0, float("inf"))
        return [[var(v[n]), var(v[b])] for n, b in zip(names, bases, strict=True)]

    for tab in raw_tables:
        key, rows = tab["key"], tab["rows"]
        base: list[list] | None = None
        if tab["kind"] == "amounts":
            base = None
        elif key == "targets" and len(rows) == 3:
            cumulative = atoms.worked(programme.start_date, end)
            base = [
                [frozenset(enrolled_by_end), NOT_COUNTED],
                [frozenset(worked_period), NOT_COUNTED],
                [frozenset(cumulative), NOT_COUNTED],
            ]
        elif key == "coverage":
            base = []
            for row in rows:
                month = _month_of(row[0])
                if month is None:
                    base = None
                    break
                tag = f"{month:%Y-%m}"
                enrolled, minimum = f"cov-enrolled|{tag}", f"cov-minimum|{tag}"
                relate({enrolled: 1, minimum: -1}, 0.0, float("inf"))
                base.append(
                    [var(enrolled), var(minimum), frozenset(atoms.worked(*month_bounds(month)))]
                )
        elif key == "attendance":
            base = [
                [
                    frozenset(
                        k
                        for day, _d, _p, status, k in atoms.p
                        if start <= day <= end and status == statuses.get(row[0])
                    )
                ]
                for row in rows
            ]
        elif key == "awareness" and len(rows) == 2:
            span = f"{start}|{end}"
            base = [
                [
                    frozenset(k for day, k in atoms.aw if start <= day <= end),
                    var(f"aw-people|{span}"),
                ],
                [
                    frozenset(k for day, k in atoms.alt if start <= day <= end),
                    var(f"alt-people|{span}"),
                ],
            ]
        elif key in ("domains", "partners"):
            base = [[frozenset(atoms.worked(start, end, **{key[:-1]: row[0]}))] for row in rows]
        elif key == "referrals":
            base = referral_rows(tab)
        elif key == "exits":
            kinds = {label: kind for kind, label in Exit.Kind.choices}
            base = [
                [
                    frozenset(
                        k
                        for day, kind, k in atoms.x
                        if start <= day <= end and kind == kinds.get(row[0])
                    )
                ]
                for row in rows
            ]
        elif key == "cohort" and len(rows) == 6:
            base = cohort_rows(tab)
        elif key == "profile":
            base = [
                [
                    frozenset(
                        k
                        for _day, column, age, k in atoms.e
                        if k in enrolled_by_end and column == name and age == row[0]
                    )
                    for name, _genders in COLUMNS
                ]
                for row in rows
            ]
        for r, cells in enumerate(base or []):
            for c, members in enumerate(cells):
                if isinstance(members, frozenset) and len(members) == 1 and members <= variables:
                    out.atom_values.setdefault(next(iter(members)), rows[r][c + 1])
        out.positions.append(_positions(tab, base, start, end, out.atom_values))
    # A relation the figures break (persons at the minimum not enrolled that month, say, in
    # data the application would not write) is no knowledge a reader can rely on: dropped.
    out.relations = [
        (coefs, low, high)
        for coefs, low, high in out.relations
        if low <= sum(k * out.atom_values.get(a, 0) for a, k in coefs.items()) <= high
    ]
    return out


def _ro_key(end, segment, kind, outcome) -> str:
    return f"ro|{end}|{segment}|{kind}|{outcome}"


def _segment(day: date, start: date, end: date) -> str:
    """The month of `day` within the period: whole months for periods cut on months."""
    first, last = month_bounds(day)
    return f"{max(first, start)}..{min(last, end)}"


def _positions(tab, base, start, end, values) -> dict:
    """{(presented row, presented column): (atoms, value)} for a table; a cell whose atoms
    do not add up to its value (a table frozen in an older shape, data changed since) is an
    unknown of its own rather than a wrong link."""
    rows = tab["rows"]
    width = len(rows[0]) - 1 if rows else 0
    found: dict = {}
    if tab["kind"] == "amounts":
        return found

    def cell(r, c, atoms, value):
        if not isinstance(value, int) or isinstance(value, bool):
            return
        if atoms is None or sum(values.get(a, 0) for a in atoms) != value:
            atoms = frozenset([f"raw|{start}|{end}|{tab['key']}|{r}|{c}"])
            values[next(iter(atoms))] = value
        found[(r, c)] = (frozenset(atoms), value)

    for r, row in enumerate(rows):
        for c in range(width):
            atoms = base[r][c] if base is not None and c < len(base[r]) else None
            if atoms is not NOT_COUNTED:
                cell(r, c + 1, atoms, row[c + 1])
    if tab["kind"] == "grid" and rows:
        unite = base is not None
        for r, row in enumerate(rows):
            if width > 1:
                atoms = frozenset().union(*base[r]) if unite else None
                cell(r, width + 1, atoms, sum(row[1:]))
        for c in range(width):
            atoms = frozenset().union(*(b[c] for b in base)) if unite else None
            cell(len(rows), c + 1, atoms, sum(row[c + 1] for row in rows))
        if width > 1:
            atoms = frozenset().union(*(a for b in base for a in b)) if unite else None
            cell(len(rows), width + 1, atoms, sum(sum(row[1:]) for row in rows))
    return found


# --- Joint suppression ---------------------------------------------------------------------


@dataclass
class Cell:
    atoms: frozenset
    value: int
    state: str
    t: int  # the threshold it was released with
    fixed: bool  # released by the ledger: its state does not change
    tables: set = field(default_factory=set)  # new tables presenting it
    seen: set = field(default_factory=set)  # values it took in the solutions met

    @property
    def hidden(self):
        return self.state != SHOWN


def _ledger(programme, current: dict[str, int]):
    """Every cell and relation already released for the programme: {atoms: (value, state,
    threshold)}. A cell one of whose atoms was counted otherwise then (data corrected
    since) is left out of the system: its old value and the new one no longer describe the
    same unknowns (the correction itself is not protected, see the module's doc)."""
    cells: dict[frozenset, tuple[int, str, int]] = {}
    relations = []
    for pub in Publication.objects.filter(programme=programme).order_by("created_at", "pk"):
        names = pub.cells["atoms"]
        then = dict(zip(names, pub.cells.get("values", []), strict=False))
        revised = {a for a, v in then.items() if a in current and current[a] != v}
        for c in pub.cells["cells"]:
            atoms = frozenset(names[i] for i in c["a"])
            if not atoms & revised:
                cells[atoms] = (c["v"], c["s"], pub.threshold)
        for coefs, low, high in pub.cells["relations"]:
            relation = {names[i]: k for i, k in coefs}
            if not set(relation) & revised:
                relations.append((relation, low, high))
    return cells, relations


class Audit:
    """The reader's system over the atoms, for the cells released so far and proposed."""

    def __init__(self, cells: dict, relations, threshold: int):
        self.cells, self.relations, self.t = cells, relations, threshold
        self.solves = 0

    def _model(self):
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint

        active = [k for k, c in self.cells.items() if c.atoms and (c.fixed or c.tables)]
        # Atoms that every row treats alike are one variable (their sum): the feasible
        # values of the cells do not change, the programme gets much smaller.
        rows = [(list(k), None) for k in active] + [
            (coefs, (low, high)) for coefs, low, high in self.relations
        ]
        signature: dict[str, list] = defaultdict(list)
        for i, (members, _) in enumerate(rows):
            if isinstance(members, dict):
                for a, coef in members.items():
                    signature[a].append((i, coef))
            else:
                for a in members:
                    signature[a].append((i, 1))
        groups: dict[tuple, int] = {}
        variable = {a: groups.setdefault(tuple(sig), len(groups)) for a, sig in signature.items()}
        secondary = [k for k in active if self.cells[k].state == SECONDARY]
        nv = len(groups)
        n = nv + len(secondary)
        big = (
            sum(self.cells[k].value for k in active)
            + max((c.t for c in self.cells.values()), default=MIN_THRESHOLD)
            + 1
        )
        lower, upper = np.zeros(n), np.full(n, float(big))
        integrality = np.ones(n)
        matrix, lo, hi = [], [], []
        index = {}
        for k in active:
            row = np.zeros(n)
            for v in {variable[a] for a in k}:
                row[v] = 1
            index[k] = row[:nv].copy()
            c = self.cells[k]
            if c.state == SHOWN:
                matrix.append(row)
                lo.append(c.value)
                hi.append(c.value)
            elif c.state == SMALL:
                matrix.append(row)
                lo.append(1)
                hi.append(c.t - 1)
            else:
                b = nv + secondary.index(k)
                upper[b] = 1
                floor, ceiling = row.copy(), row.copy()
                floor[b], ceiling[b] = -c.t, -big
                matrix += [floor, ceiling]
                lo += [0, -np.inf]
                hi += [np.inf, 0]
        for coefs, low, high in self.relations:
            row = np.zeros(n)
            for a, coef in coefs.items():
                if a in variable:
                    row[variable[a]] += coef
            if row.any():
                matrix.append(row)
                lo.append(low)
                hi.append(high if high < 1e12 else np.inf)
        constraints = LinearConstraint(np.array(matrix), lo, hi) if matrix else None
        return active, index, constraints, Bounds(lower, upper), integrality, n, nv

    def exposed(self):
        """A hidden cell the reader can pin to one value, or None. Each solution met shows
        values the hidden cells can take: a cell seen with two is safe without its own
        programmes (and stays so: later steps only hide more, the system only loosens)."""
        import numpy as np
        from scipy.optimize import milp

        active, index, constraints, bounds, integrality, n, nv = self._model()
        hidden = [k for k in active if self.cells[k].hidden]

        def solve(c):
            self.solves += 1
            result = milp(
                c,
                constraints=constraints,
                bounds=bounds,
                integrality=integrality,
                options={"time_limit": 20},
            )
            if result.x is None:
                raise Infeasible
            for other in hidden:
                self.cells[other].seen.add(round(float(index[other] @ result.x[:nv])))
            return result

        # A few solutions in random directions first: most hidden cells take two values in
        # them and need no programme of their own (deterministic: seeded).
        rng = np.random.default_rng(len(hidden))
        for _ in range(DIVERSIFY if sum(len(self.cells[k].seen) < 2 for k in hidden) > 4 else 0):
            c = np.zeros(n)
            c[:nv] = rng.choice([-1.0, 0.0, 1.0], size=nv)
            solve(c)
        for k in hidden:
            cell = self.cells[k]
            if len(cell.seen) > 1:
                continue
            ends = []
            for sign in (1, -1):
                c = np.zeros(n)
                c[:nv] = sign * index[k]
                result = solve(c)
                ends.append(round(sign * result.fun))
                if len(cell.seen) > 1:
                    break
            if len(ends) == 2 and ends[0] == ends[1]:
                return k
        return None


DIVERSIFY = 12  # random-direction solutions tried before auditing cell by cell


class Infeasible(Exception):
    """The ledger and the new figures contradict each other (data corrected since)."""


def _linked(cells, relations, key) -> set:
    """Atoms a cell shares with others, through the relations too."""
    atoms = set(key)
    for coefs, _low, _high in relations:
        if atoms & set(coefs):
            atoms |= set(coefs)
    return atoms


def _candidates(cells, relations, exposed):
    """New cells still shown that could be hidden to protect `exposed`: those sharing atoms
    with it first, else those one equation further, and so on (a cell can be pinned by
    the difference of two others that share no atom with it)."""
    reached, frontier = {exposed}, _linked(cells, relations, exposed)
    while frontier:
        near = [k for k in cells if k not in reached and frontier & k]
        found = [
            cells[k] for k in near if cells[k].tables and not cells[k].fixed and not cells[k].hidden
        ]
        if found:
            return found
        reached |= set(near)
        grown = set(frontier)
        for k in near:
            grown |= _linked(cells, relations, k)
        if grown == frontier:
            return []
        frontier = grown
    return []


def suppress(new: dict, ledger: dict, relations, threshold: int) -> tuple[dict, set, int]:
    """Joint suppression. new: {atoms: (value, tables)}; ledger: {atoms: (value, state)}.
    Returns ({atoms: state} for the new cells, withheld table indexes, MILP solves)."""
    cells: dict[frozenset, Cell] = {}
    for k, (value, state, t) in ledger.items():
        cells[k] = Cell(k, value, state, t, fixed=True)
    for k, (value, tables) in new.items():
        if k in cells and cells[k].value == value:
            cells[k].tables = set(tables)
            continue
        # New, or a revised figure (corrected since): the ledger's old value gives way.
        state = SMALL if 0 < value < threshold else SHOWN
        cells[k] = Cell(k, value, state, threshold, fixed=False, tables=set(tables))
    for c in cells.values():
        c.seen = {c.value} if not c.hidden else set()
    withheld: set = set()
    audit = Audit(cells, relations, threshold)
    try:
        _loop(audit, cells, relations, withheld)
    except Infeasible:
        # The ledger holds figures since corrected: audit the new tables with the ledger's
        # states but without its other equations (a known, documented limit).
        log.warning("ledger inconsistent with the new figures; auditing them alone")
        kept = {k: c for k, c in cells.items() if c.tables}
        for c in kept.values():
            c.seen = {c.value} if not c.hidden else set()
        audit = Audit(kept, [], threshold)
        _loop(audit, kept, [], withheld)
        cells = kept
    states = {k: cells[k].state for k in new if k in cells}
    return states, withheld, audit.solves


def _loop(audit, cells, relations, withheld):
    while True:
        exposed = audit.exposed()
        if exposed is None:
            return
        candidates = _candidates(cells, relations, exposed)
        if candidates:
            chosen = min(candidates, key=lambda c: (c.value == 0, c.value, sorted(c.atoms)))
            chosen.state = SECONDARY
            continue
        linked = _linked(cells, relations, exposed)
        tables = (
            set(cells[exposed].tables)
            or {t for k, c in cells.items() if linked & k and not c.fixed for t in c.tables}
            # The ledger alone was safe: the new tables made it exact, so they go.
            or {t for c in cells.values() for t in c.tables}
        )
        if not tables:
            log.error("a hidden cell of the ledger is exposed and no new table can be withheld")
            return
        withheld |= tables
        for c in cells.values():
            c.tables -= tables


# --- Publishing ----------------------------------------------------------------------------


def _present(raw_tables, rel: Release, states: dict, withheld: set, threshold: int):
    """The tables as funders read them, from the states of their cells."""
    presented = []
    for i, tab in enumerate(raw_tables):
        shown = present_exact(tab, False, threshold)
        shown["key"] = tab["key"]
        for (r, c), (atoms, _value) in rel.positions[i].items():
            if i in withheld:
                shown["rows"][r][c] = WITHHELD
            elif states.get(atoms) == SMALL:
                shown["rows"][r][c] = f"< {threshold}"
            elif states.get(atoms) == SECONDARY:
                shown["rows"][r][c] = SECONDARY_MARK
        width = len(tab["columns"])
        for s, (_name, part, whole) in enumerate(tab["shares"]):
            for row in shown["rows"]:
                if not _number(row[part]) or not _number(row[whole]):
                    row[width + s] = SECONDARY_MARK
        presented.append(shown)
    keys = [t["key"] for t in raw_tables]
    if "coverage" in keys and "pay" in keys:
        # Hours and pay follow a month's prestations: hidden wherever its count is.
        coverage = presented[keys.index("coverage")]
        hidden = {row[0] for row in coverage["rows"] if not _number(row[3])}
        for row in presented[keys.index("pay")]["rows"]:
            if row[0] in hidden:
                row[1:] = [SECONDARY_MARK] * (len(row) - 1)
    return presented


def _number(text) -> bool:
    return isinstance(text, str) and text.strip().isdigit()


def publish(programme, kind, start: date, end: date, raw_tables, report=None) -> Publication:
    """Suppress the tables jointly with the ledger and freeze the result. Serialised per
    programme (a lock on its policy row): two publications never ignore each other."""
    with transaction.atomic():
        pol = DisclosurePolicy.objects.select_for_update().get(pk=policy(programme).pk)
        if report is not None and (found := Publication.objects.filter(report=report).first()):
            return found
        if kind == Publication.Kind.DASHBOARD and (
            found := Publication.objects.filter(
                programme=programme, kind=kind, period_end=end
            ).first()
        ):
            return found
        threshold = report.threshold if report is not None else pol.threshold
        threshold = max(threshold, MIN_THRESHOLD)
        rel = release(programme, raw_tables, start, end)
        new: dict[frozenset, tuple[int, set]] = {}
        for i, positions in enumerate(rel.positions):
            for atoms, value in positions.values():
                new.setdefault(atoms, (value, set()))[1].add(i)
        ledger_cells, ledger_relations = _ledger(programme, rel.atom_values)
        relations = ledger_relations + rel.relations
        states, withheld, _solves = suppress(new, ledger_cells, relations, threshold)
        presented = _present(raw_tables, rel, states, withheld, threshold)
        released = {
            atoms: (value, states[atoms])
            for i, positions in enumerate(rel.positions)
            if i not in withheld
            for atoms, value in positions.values()
            if atoms in states
        }
        return Publication.objects.create(
            programme=programme,
            kind=kind,
            report=report,
            period_start=start,
            period_end=end,
            threshold=threshold,
            tables=presented,
            cells=_serialise(released, rel.relations, rel.atom_values),
        )


def _serialise(released: dict, relations, values: dict[str, int]) -> dict:
    names: dict[str, int] = {}

    def ix(a):
        return names.setdefault(a, len(names))

    cells = [
        {"a": sorted(ix(a) for a in atoms), "v": value, "s": state}
        for atoms, (value, state) in released.items()
        if atoms
    ]
    rels = [[[[ix(a), k] for a, k in coefs.items()], low, high] for coefs, low, high in relations]
    # JSON has no infinity: the upper end of an inequality is written as a large number.
    for r in rels:
        r[2] = min(r[2], 1e12)
    # Each atom's count as released, to recognise a later correction (aggregates only).
    atoms = list(names)
    return {
        "atoms": atoms,
        "values": [values.get(a, 0) for a in atoms],
        "cells": cells,
        "relations": rels,
    }


def for_report(report: Report) -> Publication:
    """The shared version of a report: published when it was generated, or at its first
    shared view for reports generated before the ledger existed."""
    found = Publication.objects.filter(report=report).first()
    if found is not None:
        return found
    programme = report.meeting.programme
    return publish(
        programme,
        Publication.Kind.REPORT,
        report.period_start,
        report.period_end,
        report.data["tables"],
        report=report,
    )


def last_closed_day(programme, today: date) -> date | None:
    """The end of the last month that is over, within the programme; None before."""
    end = min(month_start(today) - timedelta(days=1), programme.end_date)
    return end if end >= programme.start_date else None


def for_dashboard(programme, today: date) -> Publication | None:
    """The funders' dashboard: the programme from its start to its last closed month,
    published once per closed month and then read as frozen."""
    end = last_closed_day(programme, today)
    if end is None:
        return None
    found = Publication.objects.filter(
        programme=programme, kind=Publication.Kind.DASHBOARD, period_end=end
    ).first()
    if found is not None:
        return found
    data = figures.build(programme, programme.start_date, end)
    return publish(programme, Publication.Kind.DASHBOARD, programme.start_date, end, data["tables"])
