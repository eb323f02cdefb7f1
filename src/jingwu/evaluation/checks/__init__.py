"""Spot checks: double-random draws, their outcomes, mystery visits, the expert panel."""
