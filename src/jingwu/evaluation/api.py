"""The evaluation JSON API under ``/api/v1/evaluation``: each sub-area's router included."""

from __future__ import annotations

from fastapi import APIRouter

from jingwu.evaluation.checks import api as checks_api
from jingwu.evaluation.improvement import api as pdca_api
from jingwu.evaluation.indices import api as indices_api

router = APIRouter()
router.include_router(checks_api.router)
router.include_router(pdca_api.router)
router.include_router(indices_api.router)
