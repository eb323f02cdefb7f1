"""Evidence chain: an append-only Merkle log, signed checkpoints, bundles and a verifier.

Kept empty on purpose: the offline verifier imports the pure modules of this package
and must not pull in the database or the web application.
"""
