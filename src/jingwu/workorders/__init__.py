"""Work orders: intake, three-colour triage, SLA clocks, escalation, tasks, mediation, feedback.

The pure cores (no database, no web, no clock) are:
:mod:`~jingwu.workorders.vocab` (tiers, modules, channels, actors),
:mod:`~jingwu.workorders.states` (the state table and :func:`~jingwu.workorders.states.decide`),
:mod:`~jingwu.workorders.guards` (decision shapes and the guards behind ``decide``),
:mod:`~jingwu.workorders.sla` (policies per tier and category, escalation ladder),
:mod:`~jingwu.workorders.clocks` (clock arithmetic, due warnings and breaches, sweep steps),
:mod:`~jingwu.workorders.triage` (explainable tier suggestion),
:mod:`~jingwu.workorders.draw` (the reproducible quota draw),
:mod:`~jingwu.workorders.codes` (order codes) and
:mod:`~jingwu.workorders.catalogue` (the default category catalogue).
"""
