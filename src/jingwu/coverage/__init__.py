"""The 15-minute service circle and the 8-minute help response (issue 11 §3, ORG-6).

Pure cores: :mod:`network` (the road graph), :mod:`isochrone` (a station's reachable area),
:mod:`residents` (the share of residents covered, uncovered places, suggested new sites),
:mod:`response` (help requests answered on site within 8 minutes), :mod:`geojson` (reading
road and resident files). The service layer stores and computes; routes stay thin.
"""
