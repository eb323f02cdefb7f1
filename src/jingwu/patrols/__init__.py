"""Patrol routes: GPS tracks and planned routes imported as GeoJSON or GPX, shown on the
situational map with the share of tomorrow's hotspot cells they pass through."""
