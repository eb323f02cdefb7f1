"""The evaluation pages: each sub-area's router is included here, with the navigation entry."""

from __future__ import annotations

from fastapi import APIRouter

from jingwu.evaluation.checks import routes as checks_routes
from jingwu.evaluation.checks import routes_third as checks_third
from jingwu.web.nav import NavItem

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Evaluation", "/evaluation/checks", "evaluation.view", order=55)]
router.include_router(checks_routes.router)
router.include_router(checks_third.router)
