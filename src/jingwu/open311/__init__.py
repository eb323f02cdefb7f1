"""Open311 GeoReport v2: the public machine interface to the category catalogue and requests."""
