"""The station standard as versioned data, scorecards and rectification (issue 11 §2, EVAL-6).

Pure cores: :mod:`requirements` (versions as data, checked), :mod:`verdicts` (a station's
facts against a version: met, not met by how much, not measurable and why). The service
layer gathers the facts from the platform (:mod:`measure`), keeps self-assessments with
evidence and the inspector's verification, and opens rectifications as PDCA items.
"""
