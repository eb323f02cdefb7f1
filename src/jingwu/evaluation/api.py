"""The evaluation JSON API under ``/api/v1/evaluation``: each sub-area's router included."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
