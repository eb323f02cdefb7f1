"""The 2024–2026 rollout plan of demonstration stations (EVAL-6): targets per street and
phase, each station's demonstration status, progress against the plan, blocked stations."""
