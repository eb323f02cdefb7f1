"""Indicator values with provenance, the KPI indices and the community safety index."""
