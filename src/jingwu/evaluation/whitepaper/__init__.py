"""The annual white paper: key indicators with charts, station tables, methods, data dates."""
