"""Property tests: whatever the table, no hidden count can be recomputed from what is
published, and no small count is shown."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import SECONDARY_MARK, Grid, display, display_share, suppress

tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(0, 40), min_size=cols, max_size=cols), min_size=1, max_size=6
    )
)


def null_space(matrix, width):
    """Basis of {x : matrix·x = 0}, by reduced row echelon form (independent of the
    module's rank test)."""
    m = [[Fraction(v) for v in row] for row in matrix]
    pivots, r = [], 0
    for c in range(width):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                m[i] = [a - m[i][c] * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        v = [Fraction(0)] * width
        v[free] = Fraction(1)
        for row, pc in zip(m, pivots, strict=False):
            v[pc] = -row[free]
        basis.append(v)
    return basis


def alternative_exists(grid: Grid, pos) -> bool:
    """Another table with the same published figures but a different value at pos."""
    unknowns = sorted(grid.hidden, key=str)
    idx = {p: i for i, p in enumerate(unknowns)}
    matrix = []
    for members, total in grid.equations():
        row = [0] * len(unknowns)
        for m in members:
            if m in idx:
                row[idx[m]] += 1
        if total in idx:
            row[idx[total]] -= 1
        matrix.append(row)
    return any(v[idx[pos]] != 0 for v in null_space(matrix, len(unknowns)))


@settings(max_examples=300, deadline=None)
@given(cells=tables, threshold=st.integers(3, 11))
def test_no_hidden_count_can_be_recomputed(cells, threshold):
    grid = suppress(cells, threshold)
    for pos in grid.hidden:
        assert alternative_exists(grid, pos), (cells, pos)
    for pos in grid.positions():
        shown = display(grid, pos, threshold)
        value = grid.value(pos)
        if 0 < value < threshold:
            assert shown == f"< {threshold}"
        elif pos in grid.hidden:
            assert shown == SECONDARY_MARK
        else:
            assert shown == str(value)


@settings(max_examples=100, deadline=None)
@given(cells=tables)
def test_shares_on_hidden_counts_are_hidden(cells):
    grid = suppress(cells)
    for r in range(len(cells)):
        for c in range(len(cells[0])):
            share = display_share(grid, (r, c), ("row", r))
            if (r, c) in grid.hidden or ("row", r) in grid.hidden:
                assert share in (SECONDARY_MARK, "—")


def test_a_lone_small_cell_takes_a_neighbour_with_it():
    grid = suppress([[2, 30, 40], [20, 25, 35]], 5)
    assert (0, 0) in grid.primary
    assert len([p for p in grid.hidden if isinstance(p[0], int)]) >= 4  # a 2x2 rectangle


def test_threshold_cannot_go_below_three():
    with pytest.raises(ValueError):
        suppress([[1]], 2)
