"""Property tests: whatever the table, no hidden count can be recomputed from what is
published, and no small count is shown."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import SECONDARY_MARK, WITHHELD, Grid, display, suppress

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


@settings(max_examples=150, deadline=None)
@given(cells=tables, threshold=st.integers(3, 11))
def test_no_hidden_count_can_be_recomputed(cells, threshold):
    grid = suppress(cells, threshold)
    if grid.withheld:  # nothing of the table is published
        assert all(display(grid, p, threshold) == "n.p." for p in grid.positions())
        return
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


def test_a_lone_small_cell_takes_a_neighbour_with_it():
    grid = suppress([[2, 30, 40], [20, 25, 35]], 5)
    assert (0, 0) in grid.primary
    assert len([p for p in grid.hidden if isinstance(p[0], int)]) >= 4  # a 2x2 rectangle


def test_threshold_cannot_go_below_three():
    with pytest.raises(ValueError):
        suppress([[1]], 2)


def bounded_alternatives(values, grid, threshold, pos):
    """All values the hidden cell `pos` of a one-column table can take, by brute force, given
    what a reader knows: published cells and total, '< t' in 1..t-1, 's' in {0} ∪ [t, total]."""
    total = sum(values)
    known = {("all",), ("col", 0)} - grid.hidden
    hidden = [r for r in range(len(values)) if (r, 0) in grid.hidden]
    published = sum(v for r, v in enumerate(values) if (r, 0) not in grid.hidden)

    def domain(r):
        if (r, 0) in grid.primary:
            return range(1, threshold)
        return [0] + list(range(threshold, total + 1))

    if not known:  # the total is hidden too: far from pinned; the linear check covers it
        return {None, "open"}
    seen = set()
    target = pos[0]

    def walk(i, acc, chosen):
        if i == len(hidden) - 1:
            last = total - published - acc
            if last in domain(hidden[i]):
                chosen[hidden[i]] = last
                seen.add(chosen[target])
            return
        for v in domain(hidden[i]):
            if acc + v > total - published:
                break
            chosen[hidden[i]] = v
            walk(i + 1, acc + v, chosen)

    walk(0, 0, {})
    return seen


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.integers(0, 14), min_size=2, max_size=4), threshold=st.integers(3, 5))
def test_bounds_do_not_pin_a_hidden_count(values, threshold):
    grid = suppress([[v] for v in values], threshold)
    if grid.withheld:
        return
    for r in range(len(values)):
        if (r, 0) in grid.hidden:
            assert len(bounded_alternatives(values, grid, threshold, (r, 0))) > 1, (values, r)


def test_review_examples_are_protected():
    """Exits 5/12/1 once published as 's, 12, < 5, total 18' gave s=5 and 1; and a row
    '0, 7, < 5, < 5' with total 9 gave 1 and 1."""
    exits = suppress([[5], [12], [1]], 5)
    assert len(bounded_alternatives([5, 12, 1], exits, 5, (2, 0))) > 1
    row = suppress([[0, 7, 1, 1], [6, 8, 9, 7]], 5)
    lone = [(0, 2), (0, 3)]
    assert all(p in row.hidden for p in lone)
    from reporting.suppression import pinned

    assert pinned(row, 5) == []


def test_counts_tables_do_not_leak_by_difference_or_sum():
    from reporting.render import present_all

    raw = [
        {
            "key": "targets",
            "title": "T",
            "columns": ["I", "R", "O"],
            "kind": "counts",
            "shares": [],
            "rows": [["Bénéficiaires inscrits", 11, 50], ["Prestations sur la période", 20, None]],
        },
        {
            "key": "coverage",
            "title": "C",
            "columns": ["M", "I", "A", "P"],
            "kind": "counts",
            "shares": [["Couverture", 2, 1]],
            "rows": [["01/2026", 11, 9, 3], ["02/2026", 11, 11, 17]],
        },
        {
            "key": "pay",
            "title": "P",
            "columns": ["M", "H", "E"],
            "kind": "amounts",
            "shares": [],
            "rows": [["01/2026", 10.5, 105.0], ["02/2026", 59.5, 595.0]],
        },
        {
            "key": "cohort",
            "title": "E",
            "columns": ["E", "P", "B"],
            "kind": "counts",
            "shares": [["Part", 1, 2]],
            "rows": [["Ont arrêté", 8, 10]],
        },
    ]
    targets, coverage, pay, cohort = present_all(raw, True, 5)
    january = coverage["rows"][0]
    assert january[2] == SECONDARY_MARK and january[3] == "< 5" and january[4] == SECONDARY_MARK
    assert targets["rows"][1][1] == SECONDARY_MARK  # 20 = 3 + 17 would give January away
    assert pay["rows"][0][1:] == [SECONDARY_MARK, SECONDARY_MARK]
    assert pay["rows"][1][1] == "59,50"
    assert cohort["rows"][0][1] == SECONDARY_MARK and cohort["rows"][0][3] == SECONDARY_MARK


def test_a_table_that_cannot_be_protected_is_withheld_whole():
    """The search for a complement can run out of published counts (mypy found that
    `_complement` returns None there): the table is then not published at all."""
    grid = suppress([[0, 1], [6, 0]], 5)
    assert grid.withheld
    assert {display(grid, pos, 5) for pos in grid.positions()} == {WITHHELD}
