"""The citizen portal (the internet zone's front door)."""
