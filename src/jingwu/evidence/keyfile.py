"""Reading keys given on the command line: a key string, or a file holding one (pure I/O)."""

from __future__ import annotations

from pathlib import Path

from jingwu.evidence.keys import NoteError, Verifier, parse_verifier_key

MAX_KEY_FILE = 64 * 1024


def read_key_text(value: str) -> str:
    """Return ``value``, or the first non-comment line of the file it names."""
    path = Path(value)
    if not path.is_file():
        return value.strip()
    if path.stat().st_size > MAX_KEY_FILE:
        raise NoteError(f"key file {value} is larger than 64 KiB")
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    keys = [ln for ln in lines if ln and not ln.startswith("#")]
    if not keys:
        raise NoteError(f"key file {value} holds no key")
    return keys[0]


def load_key(value: str) -> Verifier:
    """Read a verifier key given as a string or as a file holding one (first key line)."""
    return parse_verifier_key(read_key_text(value))
