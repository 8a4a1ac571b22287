"""Small-count suppression for tables published outside the team (funders, shared exports).

A count between 1 and threshold-1 is shown as "< threshold" (primary suppression). Then,
as long as a reader could pin a hidden count down exactly, one more published count is
hidden beside it (secondary suppression), smallest first. A reader knows every published
cell and total, that rows and columns add up, that a "< t" cell lies in 1..t-1 and that an
"s" cell is 0 or at least t (else it would read "< t"). Two audits, cheap first:
- linear: the hidden cell's unit vector lies in the row space of the equations (exact
  rational arithmetic) — determined whatever the bounds;
- integer: the smallest and largest values the hidden cell can take under the equations and
  those bounds (a mixed-integer programme, scipy/HiGHS) coincide.
"""

from dataclasses import dataclass, field
from fractions import Fraction

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5


@dataclass
class Grid:
    """A table of counts with its row totals, column totals and grand total. `hidden` holds
    the positions suppressed: (r, c) for cells, ("row", r), ("col", c), ("all",) for totals."""

    cells: list[list[int]]
    hidden: set = field(default_factory=set)
    primary: set = field(default_factory=set)
    # Everything hidden and the "< t" marks alone would still tell the values: the table
    # is not published at all.
    withheld: bool = False

    @property
    def row_totals(self):
        return [sum(row) for row in self.cells]

    @property
    def col_totals(self):
        return [sum(col) for col in zip(*self.cells, strict=True)] if self.cells else []

    @property
    def total(self):
        return sum(self.row_totals)

    def positions(self):
        rows, cols = len(self.cells), len(self.cells[0]) if self.cells else 0
        cells = [(r, c) for r in range(rows) for c in range(cols)]
        return (
            cells
            + [("row", r) for r in range(rows)]
            + [("col", c) for c in range(cols)]
            + [("all",)]
        )

    def value(self, pos):
        if pos == ("all",):
            return self.total
        if pos[0] == "row":
            return self.row_totals[pos[1]]
        if pos[0] == "col":
            return self.col_totals[pos[1]]
        return self.cells[pos[0]][pos[1]]

    def equations(self):
        """Each equation: the positions it sums, and the total position it equals."""
        rows, cols = len(self.cells), len(self.cells[0]) if self.cells else 0
        eqs = [([(r, c) for c in range(cols)], ("row", r)) for r in range(rows)]
        eqs += [([(r, c) for r in range(rows)], ("col", c)) for c in range(cols)]
        eqs.append(([("row", r) for r in range(rows)], ("all",)))
        eqs.append(([("col", c) for c in range(cols)], ("all",)))
        return eqs


def _reduced(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row echelon form, in exact rational arithmetic; zero rows dropped."""
    m = [row[:] for row in matrix]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        lead = m[rank][c]
        m[rank] = [a / lead for a in m[rank]]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                factor = m[r][c]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return m[:rank]


def recoverable(grid: Grid) -> list:
    """Hidden positions whose exact value follows from what is published: those whose unit
    vector lies in the row space of the equations, i.e. a row of the reduced echelon form
    is that unit vector (one reduction, rather than one rank per unknown)."""
    unknowns = sorted(grid.hidden, key=str)
    if not unknowns:
        return []
    index = {pos: i for i, pos in enumerate(unknowns)}
    system = []
    for members, total in grid.equations():
        row = [Fraction(0)] * len(unknowns)
        for pos in members:
            if pos in index:
                row[index[pos]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            system.append(row)
    determined = set()
    for row in _reduced(system):
        nonzero = [j for j, a in enumerate(row) if a != 0]
        if len(nonzero) == 1:
            determined.add(nonzero[0])
    return [pos for pos, i in index.items() if i in determined]


def pinned(grid: Grid, threshold: int, first_only: bool = False) -> list:
    """Hidden positions whose value the bounds and equations leave no choice for (the first
    one only, in the same order, when that is all the caller uses)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    positions = grid.positions()
    index = {pos: i for i, pos in enumerate(positions)}
    secondary = [pos for pos in positions if pos in grid.hidden and pos not in grid.primary]
    n = len(positions) + len(secondary)  # one binary per secondary cell: 0 or >= threshold
    big = max(grid.total, threshold) * 4 + 1
    lower, upper = np.zeros(n), np.zeros(n)
    for pos, i in index.items():
        if pos not in grid.hidden:
            lower[i] = upper[i] = grid.value(pos)
        elif pos in grid.primary:
            lower[i], upper[i] = 1, threshold - 1
        else:
            lower[i], upper[i] = 0, big
    rows: list = []
    lo: list[float] = []
    hi: list[float] = []
    for members, total in grid.equations():
        row = np.zeros(n)
        for pos in members:
            row[index[pos]] += 1
        row[index[total]] -= 1
        rows.append(row)
        lo.append(0)
        hi.append(0)
    for k, pos in enumerate(secondary):
        b = len(positions) + k
        lower[b], upper[b] = 0, 1
        floor = np.zeros(n)  # x - t*b >= 0
        floor[index[pos]], floor[b] = 1, -threshold
        ceiling = np.zeros(n)  # x - big*b <= 0
        ceiling[index[pos]], ceiling[b] = 1, -big
        rows += [floor, ceiling]
        lo += [0, -np.inf]
        hi += [np.inf, 0]
    constraints = LinearConstraint(np.array(rows), lo, hi)
    bounds, integrality = Bounds(lower, upper), np.ones(n)
    # Every solution met on the way shows values a hidden position can take: one that has
    # already shown two values is not pinned, and needs no programme of its own.
    seen: dict = {pos: set() for pos in grid.hidden}

    def solve(c):
        result = milp(c, constraints=constraints, bounds=bounds, integrality=integrality)
        if result.success:
            for p, values in seen.items():
                values.add(round(result.x[index[p]]))
        return result

    found = []
    for pos in sorted(grid.hidden, key=str):
        if len(seen[pos]) > 1:
            continue
        c = np.zeros(n)
        c[index[pos]] = 1
        low = solve(c)
        if not low.success or len(seen[pos]) > 1:
            continue
        high = solve(-c)
        if high.success and round(low.fun) == round(-high.fun):
            found.append(pos)
            if first_only:
                break
    return found


def suppress(cells: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> Grid:
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold below {MIN_THRESHOLD}")
    grid = Grid([list(row) for row in cells])
    grid.primary = {pos for pos in grid.positions() if 0 < grid.value(pos) < threshold}
    grid.hidden = set(grid.primary)
    while True:
        exposed = recoverable(grid) or pinned(grid, threshold, first_only=True)
        if not exposed:
            return grid
        complement = _complement(grid, exposed[0])
        if complement is None:
            grid.withheld = True
            return grid
        grid.hidden.add(complement)


def _complement(grid: Grid, exposed) -> tuple | None:
    """The published count to hide next to an exposed one: in an equation with it, the
    smallest non-zero first (least information lost), else any published position."""
    neighbours = set()
    for members, total in grid.equations():
        group = set(members) | {total}
        if exposed in group:
            neighbours |= group
    candidates = [p for p in neighbours if p not in grid.hidden]
    if not candidates:
        candidates = [p for p in grid.positions() if p not in grid.hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (grid.value(p) == 0, grid.value(p), str(p)))


SECONDARY_MARK = "s"  # secondary suppression: hidden so that a small count cannot be recomputed


WITHHELD = "n.p."  # non publiable: the whole table is too small to show


def display(grid: Grid, pos, threshold: int = DEFAULT_THRESHOLD) -> str:
    if grid.withheld:
        return WITHHELD
    if pos in grid.primary:
        return f"< {threshold}"
    return SECONDARY_MARK if pos in grid.hidden else str(grid.value(pos))
