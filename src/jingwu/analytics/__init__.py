"""Incidents, grids, heat maps, forecasting models and their backtests."""
