"""The append-only audit log (SYS-3): sign-ins, denials, every write, every unmasked view."""
