"""Small-count suppression for tables published outside the team (funders, shared exports).

A count between 1 and threshold-1 is shown as "< threshold" (primary suppression). Then,
as long as the published cells and totals let anyone recompute a hidden count exactly (the
hidden cells are unknowns of the linear system "each row and each column adds up to its
total"), one more published count is hidden beside it (secondary suppression), smallest
first. A hidden value is recomputable exactly when its unit vector lies in the row space of
that system, which is checked with exact rational arithmetic.
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


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                factor = m[r][c] / m[rank][c]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def recoverable(grid: Grid) -> list:
    """Hidden positions whose exact value follows from what is published."""
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
    base = _rank(system) if system else 0
    found = []
    for pos, i in index.items():
        unit = [Fraction(1 if j == i else 0) for j in range(len(unknowns))]
        if _rank(system + [unit]) == base:
            found.append(pos)
    return found


def suppress(cells: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> Grid:
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold below {MIN_THRESHOLD}")
    grid = Grid([list(row) for row in cells])
    grid.primary = {pos for pos in grid.positions() if 0 < grid.value(pos) < threshold}
    grid.hidden = set(grid.primary)
    while True:
        exposed = recoverable(grid)
        if not exposed:
            return grid
        grid.hidden.add(_complement(grid, exposed[0]))


def _complement(grid: Grid, exposed) -> tuple:
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
    return min(candidates, key=lambda p: (grid.value(p) == 0, grid.value(p), str(p)))


SECONDARY_MARK = "s"  # secondary suppression: hidden so that a small count cannot be recomputed


def display(grid: Grid, pos, threshold: int = DEFAULT_THRESHOLD) -> str:
    if pos in grid.primary:
        return f"< {threshold}"
    return SECONDARY_MARK if pos in grid.hidden else str(grid.value(pos))


def display_share(grid: Grid, part, whole) -> str:
    """A percentage is published only when both its counts are."""
    if part in grid.hidden or whole in grid.hidden or not grid.value(whole):
        return SECONDARY_MARK if grid.value(whole) else "—"
    return f"{round(100 * grid.value(part) / grid.value(whole))} %"


def suppress_list(values: list[int], threshold: int = DEFAULT_THRESHOLD) -> Grid:
    """A one-column table (e.g. exits by kind) with its total."""
    return suppress([[v] for v in values], threshold)
