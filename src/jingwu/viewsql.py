"""SQL for map viewports: the bounding-box clause and the cluster grid's cell keys.

The cell keys floor ``(lon - west) / step`` in SQL, so the database groups the points and
only the clusters travel: 100,000 devices become a few hundred rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, and_, cast, func, literal
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from jingwu.viewport import Viewport

Column = ColumnElement[Any] | QueryableAttribute[Any]


def in_view(lon: Column, lat: Column, view: Viewport) -> ColumnElement[bool]:
    """Points inside the viewport (edges included)."""
    return and_(lon.between(view.west, view.east), lat.between(view.south, view.north))


def _floor(value: ColumnElement[Any], dialect: str) -> ColumnElement[int]:
    # Inside the box the offsets are never negative, so SQLite's truncating CAST floors;
    # PostgreSQL's CAST rounds, hence floor() there.
    if dialect == "postgresql":
        return cast(func.floor(value), Integer)
    return cast(value, Integer)


def cell_keys(
    lon: Column, lat: Column, view: Viewport, dialect: str
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """The cluster cell (column, row) of each point, as SQL expressions."""
    step = literal(view.step, Float)
    ix = _floor((lon - literal(view.west, Float)) / step, dialect)
    iy = _floor((lat - literal(view.south, Float)) / step, dialect)
    return ix.label("ix"), iy.label("iy")
