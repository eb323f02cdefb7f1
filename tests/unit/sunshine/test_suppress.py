"""Small-cell suppression: nothing withheld can be derived from what is published."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.sunshine.suppress import K, determined, extend, recoverable, suppress


def solved_exactly(published: list[list[int | None]]) -> set[tuple[int, int]]:
    """The unknowns the line equations fix, by Gaussian elimination over the rationals
    (independent of the graph reasoning of the module under test)."""
    unknowns = [(i, j) for i, r in enumerate(published) for j, v in enumerate(r) if v is None]
    index = {c: n for n, c in enumerate(unknowns)}
    n_rows, n_cols = len(published), len(published[0])
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    matrix: list[list[Fraction]] = []
    for line in lines:
        # interior entries minus the margin (the line's last entry) = 0
        coeffs = [Fraction(0)] * len(unknowns)
        for c in line:
            if c in index:
                coeffs[index[c]] += -1 if c == line[-1] else 1
        if any(coeffs):
            matrix.append(coeffs)
    # reduced row echelon form; an unknown is fixed iff a row reads 1·x = ...
    pivot_row = 0
    for col in range(len(unknowns)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col]:
                f = matrix[r][col]
                matrix[r] = [a - f * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    return {
        unknowns[row.index(Fraction(1))]
        for row in matrix[:pivot_row]
        if sum(1 for v in row if v) == 1
    }


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 5).flatmap(
        lambda c: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_withheld_entry_is_recovered_by_subtraction(table: list[list[int]]) -> None:
    s = suppress(table)
    assert recoverable(s.published()) == {}


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_withheld_entry_is_fixed_by_any_combination_of_the_equations(
    table: list[list[int]],
) -> None:
    s = suppress(table)
    assert solved_exactly(s.published()) == set()
    assert determined(s.published()) == set()


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_small_count_is_withheld_and_every_published_entry_is_true(
    table: list[list[int]],
) -> None:
    s = suppress(table)
    ext = extend(table)
    for i, row in enumerate(s.published()):
        for j, v in enumerate(row):
            assert (v is None) or v == ext[i][j]
            if 0 < ext[i][j] < K:
                assert v is None


def test_a_single_small_cell_would_be_recovered_from_its_row_total_without_complements() -> None:
    table = [[3, 20, 30], [40, 50, 60]]
    naive: list[list[int | None]] = [list(r) for r in extend(table)]
    naive[0][0] = None
    assert recoverable(naive) == {(0, 0): 3}
    assert solved_exactly(naive) == {(0, 0)}
    s = suppress(table)
    assert recoverable(s.published()) == {}
    # the row and the column of the 3 each lose their next smallest entry: 20 and 40,
    # and 50 closes the rectangle
    assert s.hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_small_cell_alone_in_its_row_takes_the_row_total_with_it() -> None:
    s = suppress([[2], [30], [40]])
    assert (0, 1) in s.hidden  # the row total equals the cell
    assert recoverable(s.published()) == {}


def test_a_small_total_is_withheld_and_cannot_be_rebuilt_from_the_grand_total() -> None:
    table = [[1, 2], [30, 40], [50, 60]]
    s = suppress(table)
    assert (0, 2) in s.hidden  # the row total 3
    assert recoverable(s.published()) == {}
    assert solved_exactly(s.published()) == set()


def test_zero_is_published_and_a_table_without_small_counts_is_untouched() -> None:
    s = suppress([[0, 12], [7, 9]])
    assert s.hidden == frozenset()
    assert s.published()[0][0] == 0


def test_two_rectangles_joined_by_one_entry_fix_that_entry_though_no_line_has_one_unknown() -> None:
    # the attacker's subtraction finds nothing, yet the bridge (1, 2) is fixed by the
    # equations together: the exact checkers agree, and suppress() never leaves a bridge
    ext = [
        list(r)
        for r in extend([[20, 21, 22, 23], [24, 25, 26, 27], [28, 29, 30, 31], [32, 33, 34, 35]])
    ]
    published: list[list[int | None]] = [list(r) for r in ext]
    for c in [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]:
        published[c[0]][c[1]] = None
    assert recoverable(published) == {}
    assert determined(published) == solved_exactly(published) == {(1, 2)}
