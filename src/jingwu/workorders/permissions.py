"""What each role may do with work orders (pure data); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`); the
routes declare them (``Requires("workorders.view")``). The state table
(:mod:`jingwu.workorders.states`) still decides each action by role, state and assignee,
and a partner reads only the orders it filed (:func:`jingwu.workorders.service_core.visible`).

Partners file orders and follow their own: they see no mediation case (the parties'
disputes), no quota draw, no report naming officers.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_DAILY = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF})
_STAFF = _DAILY | {Role.STREET, Role.DIRECTOR}

PERMISSIONS: dict[str, frozenset[Role]] = {
    # read orders in scope: the queue, the board, an order, its files (partners: their own)
    "workorders.view": _STAFF | {Role.INSPECTOR, Role.PARTNER, Role.ADMIN, Role.CITY},
    # receive a new order; which channel each role may use is the state table's
    "workorders.create": _DAILY | {Role.PARTNER},
    # take the state table's actions (it decides per action, state and assignee)
    "workorders.act": _STAFF | {Role.INSPECTOR},
    # give outside departments and other units tasks with deadlines
    "workorders.tasks": frozenset({Role.OFFICER, Role.CHIEF, Role.STREET, Role.DIRECTOR}),
    # attach files, record the citizen's rating from a call
    "workorders.record": _DAILY,
    # read mediation cases (parties, sessions, agreements)
    "workorders.mediations": _STAFF | {Role.INSPECTOR},
    # open a mediation, record its sessions, outcome and follow-up visits
    "workorders.mediate": _DAILY,
    # read the quota draws (commitments; seeds and samples once drawn)
    "workorders.draws": _STAFF | {Role.INSPECTOR},
    # commit and reveal draws: the unit above the station, so it cannot steer its sample
    "workorders.draw": frozenset({Role.STREET, Role.DIRECTOR, Role.INSPECTOR}),
    # the accountability report and the station dashboard (they name officers)
    "workorders.reports": _STAFF | {Role.INSPECTOR},
    # record how an overdue case was handled
    "workorders.overdue": frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR, Role.INSPECTOR}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "workorders.act": "Act on work orders",
    "workorders.create": "Receive work orders",
    "workorders.draw": "Run quota draws",
    "workorders.draws": "See quota draws",
    "workorders.mediate": "Mediate disputes",
    "workorders.mediations": "See mediation cases",
    "workorders.overdue": "Handle overdue records",
    "workorders.record": "Record files and ratings",
    "workorders.reports": "Read work-order reports",
    "workorders.tasks": "Give department tasks",
    "workorders.view": "See work orders",
}
