"""Small-cell suppression of count tables published with their margins (pure).

A table of counts is published with its row totals, column totals and grand total. We
call that the *extended* table: ``R + 1`` rows by ``C + 1`` columns, the last row holding the
column totals and the last column the row totals. Every row and every column of the
extended table is one linear equation: its interior entries add up to its margin entry.

Rules (k = 5 by default):

* **Primary suppression**: an entry counting 1 .. k-1 people or events is suppressed. Zero
  is published: it discloses nobody (standard practice, e.g. the UK ONS and Eurostat
  guidance suppress 1 .. k-1), and suppressing zeros would blank most of a sparse table.
* **Complementary suppression**: a suppressed entry must not be derivable from the
  published ones. Think of the rows and columns of the extended table as the nodes of a
  bipartite graph and each suppressed entry as an edge between its row and its column. The
  equations pin a suppressed entry down exactly when its edge lies on no cycle of that graph
  (a leaf or a bridge); entries on a cycle can move by ±t around it. So we repeat until
  stable: a line (row or column) with exactly one suppressed entry gets its smallest
  published entry suppressed too; a bridge gets the smallest entry that closes a cycle
  through it suppressed. Smallest = least non-zero value, so the least information is
  withheld (a zero is chosen only when nothing else closes the line).

:func:`recoverable` is the attacker: it solves every line with a single unknown, over and
over, and returns what it finds (the brief's checker). :func:`determined` is exact (bridges
and leaves, i.e. every entry the linear equations fix), used by the tests as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

K = 5

Cell = tuple[int, int]  # (row, column) of the extended table


@dataclass(frozen=True)
class Suppressed:
    """The extended table and the entries withheld from it."""

    extended: tuple[tuple[int, ...], ...]
    hidden: frozenset[Cell]
    primary: frozenset[Cell]

    def published(self) -> list[list[int | None]]:
        """The extended table as published: None where an entry is withheld."""
        return [
            [None if (i, j) in self.hidden else v for j, v in enumerate(row)]
            for i, row in enumerate(self.extended)
        ]


def extend(table: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The table with its row totals (last column) and column totals (last row)."""
    rows = [list(r) for r in table]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError("a table needs at least one cell and rows of equal length")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts are never negative")
    out = [(*r, sum(r)) for r in rows]
    totals = [sum(r[j] for r in out) for j in range(len(out[0]))]
    return (*(tuple(r) for r in out), tuple(totals))


def is_small(value: int, k: int = K) -> bool:
    """Whether ``value`` is a count of 1 .. k-1 (a primary suppression)."""
    return 0 < value < k


def suppress(table: Sequence[Sequence[int]], *, k: int = K) -> Suppressed:
    """Suppress the table's small entries and enough others that none can be derived."""
    ext = extend(table)
    primary = frozenset(
        (i, j) for i, row in enumerate(ext) for j, v in enumerate(row) if is_small(v, k)
    )
    hidden = set(primary)
    while True:
        _close_lines(ext, hidden)
        bridge = _first_bridge(ext, hidden)
        if bridge is None:
            return Suppressed(ext, frozenset(hidden), primary)
        hidden.add(_cycle_closer(ext, hidden, bridge))


def _lines(n_rows: int, n_cols: int) -> list[list[Cell]]:
    rows = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    cols = [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    return rows + cols


def _smallest(ext: Sequence[Sequence[int]], cells: list[Cell]) -> Cell:
    """The entry withholding the least: least value, then interior before margins. Zeros
    come last: a reader who guesses that a rarely used column is empty would undo a zero
    complement (with it at 0 the small entry beside it is known again)."""
    last_i, last_j = len(ext) - 1, len(ext[0]) - 1

    def cost(c: Cell) -> tuple[bool, int, bool, Cell]:
        value = ext[c[0]][c[1]]
        return (value == 0, value, c[0] == last_i or c[1] == last_j, c)

    return min(cells, key=cost)


def _close_lines(ext: Sequence[Sequence[int]], hidden: set[Cell]) -> None:
    """Until stable: no row or column of the extended table has exactly one hidden entry."""
    lines = _lines(len(ext), len(ext[0]))
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(c in hidden for c in line) == 1:
                hidden.add(_smallest(ext, [c for c in line if c not in hidden]))
                changed = True


# Graph nodes: ("r", i) for row i, ("c", j) for column j; a hidden entry (i, j) joins them.
Node = tuple[str, int]


def _component(hidden: set[Cell], start: Node, without: Cell) -> set[Node]:
    seen = {start}
    todo = [start]
    while todo:
        kind, n = todo.pop()
        for i, j in hidden:
            if (i, j) == without:
                continue
            if kind == "r" and i == n:
                nxt: Node = ("c", j)
            elif kind == "c" and j == n:
                nxt = ("r", i)
            else:
                continue
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _first_bridge(ext: Sequence[Sequence[int]], hidden: set[Cell]) -> Cell | None:
    """A hidden entry on no cycle of hidden entries (the equations fix it), or None."""
    for cell in sorted(hidden):
        if ("c", cell[1]) not in _component(hidden, ("r", cell[0]), without=cell):
            return cell
    return None


def _cycle_closer(ext: Sequence[Sequence[int]], hidden: set[Cell], bridge: Cell) -> Cell:
    """The smallest published entry joining the two sides of ``bridge`` (closes a cycle)."""
    side_a = _component(hidden, ("r", bridge[0]), without=bridge)
    side_b = _component(hidden, ("c", bridge[1]), without=bridge)
    options = [
        (i, j)
        for i in range(len(ext))
        for j in range(len(ext[0]))
        if (i, j) not in hidden
        and (
            (("r", i) in side_a and ("c", j) in side_b)
            or (("r", i) in side_b and ("c", j) in side_a)
        )
    ]
    return _smallest(ext, options)


def recoverable(published: Sequence[Sequence[int | None]]) -> dict[Cell, int]:
    """What an attacker derives by subtraction: solve every row or column of the extended
    table that has one unknown, repeat until nothing changes. Returns the entries found."""
    grid = [list(r) for r in published]
    found: dict[Cell, int] = {}
    lines = _lines(len(grid), len(grid[0]))
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [c for c in line if grid[c[0]][c[1]] is None]
            if len(unknown) != 1:
                continue
            (i, j), *_ = unknown
            margin = line[-1]
            known = sum(grid[a][b] or 0 for a, b in line if (a, b) not in ((i, j), margin))
            value = known if (i, j) == margin else (grid[margin[0]][margin[1]] or 0) - known
            grid[i][j] = value
            found[(i, j)] = value
            changed = True
    return found


def determined(published: Sequence[Sequence[int | None]]) -> set[Cell]:
    """Every unknown entry that the line equations fix exactly (leaves and bridges)."""
    hidden = {(i, j) for i, row in enumerate(published) for j, v in enumerate(row) if v is None}
    return {c for c in hidden if ("c", c[1]) not in _component(hidden, ("r", c[0]), without=c)}
