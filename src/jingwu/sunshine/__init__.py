"""Sunshine policing (阳光警务): the public open-data portal of published, suppressed figures."""
