"""Evaluation and supervision (EVAL-1..6, AN-3): indicators, indices, PDCA, sampling.

The pure cores live here and import no database and no web code:

- ``catalogue`` (with ``vocab``): the indicator catalogue as data (``data/catalogue.json``),
  loaded and validated into frozen dataclasses; edited versions are validated the same way;
- ``kpi``: the three KPI indices (satisfaction, police efficiency, social benefit) from their
  components, with the missing-data rule and the roll-up to streets and the district;
- ``composite`` and ``uncertainty``: the community safety index after the OECD/JRC handbook
  (imputation, normalisation, weighting, aggregation) and its Monte Carlo uncertainty and
  sensitivity analysis;
- ``pdca``: the quarterly improvement list's red/yellow/green supervision and completion rate;
- ``sampling``: margins of error, sample sizes and seeded stratified allocation for the
  mystery visits.

``docs/evaluation.md`` documents every indicator and every method choice.
"""
