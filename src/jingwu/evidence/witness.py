"""The witness: a separate process, with its own key, that cosigns the log's checkpoints.

Each round it fetches the log's checkpoint, checks the log's signature, and — if the tree
grew — computes the consistency proof from the last checkpoint it cosigned out of the
log's public tiles. Only when the new checkpoint extends the old one does it cosign
(C2SP tlog-cosignature/v1), remember the new checkpoint (durably, before telling anyone),
and post the cosigned note back to the log. A checkpoint that does not extend the old one
is refused, and both notes with the proof are kept under ``forks/`` as evidence.

Needs no database and no Jingwu settings: only the log's URL and verifier key, its own
key file and a state directory.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.cookiejar
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from jingwu.evidence import tiles, tree
from jingwu.evidence.checkpoint import (
    Checkpoint,
    InconsistentCheckpoint,
    open_checkpoint,
    parse_checkpoint,
)
from jingwu.evidence.cosignature import witness
from jingwu.evidence.keys import Cosigner, Verifier
from jingwu.evidence.note import Note, parse_note

STATE_FILE = "checkpoint"
FORKS_DIR = "forks"
TIMEOUT_SECONDS = 20


class WitnessError(Exception):
    """The log cannot be reached or answers something unusable (try again later)."""


class LogClient(Protocol):
    """How a witness talks to a log: read the checkpoint and tiles, post cosignatures."""

    def checkpoint(self) -> str: ...

    def tile(self, path: str) -> bytes: ...

    def submit(self, note: str) -> None: ...


class HttpLogClient:
    """A log at ``base`` (e.g. ``https://log.example/evidence``) over HTTP(S)."""

    def __init__(self, base: str, timeout: float = TIMEOUT_SECONDS) -> None:
        if not base.startswith(("http://", "https://")):
            raise WitnessError(f"the log URL {base!r} is not http:// or https://")
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request: urllib.request.Request) -> bytes:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise WitnessError(f"{request.full_url} answered {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise WitnessError(f"{request.full_url} cannot be reached: {exc}") from None

    def checkpoint(self) -> str:
        """Return the log's latest checkpoint note."""
        return self._open(_request(f"{self.base}/checkpoint")).decode("utf-8")

    def tile(self, path: str) -> bytes:
        """Return a hash tile (``tile/<L>/<N>[.p/<W>]``)."""
        return self._open(_request(f"{self.base}/{path}"))

    def submit(self, note: str) -> None:
        """Post a cosigned checkpoint note to the log."""
        # The log's web tier checks a double-submit CSRF token on every POST from a client
        # holding its cookie; the earlier GET handed us that cookie.
        token = next((c.value for c in self.cookies if c.name == "jingwu_csrf"), "")
        request = _request(
            f"{self.base}/cosignature",
            data=note.encode(),
            method="POST",
            headers={
                "Content-Type": "text/plain; charset=utf-8",
                "Accept": "application/json",
                "X-CSRF-Token": token or "",
            },
        )
        self._open(request)


def _request(
    url: str,
    *,
    data: bytes | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> urllib.request.Request:
    # The base URL was checked to be http(s) when the client was made.
    return urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310


@dataclass(frozen=True)
class Outcome:
    """What one witness round did: ``cosigned``, ``unchanged``, ``resubmitted`` or ``fork``."""

    status: str
    size: int
    detail: str = ""


@dataclass(frozen=True)
class Witness:
    """A witness's configuration: whose log, which keys, where its state lives."""

    origin: str
    log_verifiers: tuple[Verifier, ...]
    cosigner: Cosigner
    state_dir: Path

    def last(self) -> tuple[str, Checkpoint] | None:
        """Return the last cosigned note and its checkpoint, if any."""
        path = self.state_dir / STATE_FILE
        if not path.exists():
            return None
        note = path.read_text(encoding="utf-8")
        return note, parse_checkpoint(parse_note(note).text)

    def remember(self, note: str) -> None:
        """Write the newly cosigned note atomically and durably."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        _write_durably(self.state_dir / STATE_FILE, note)

    def keep_fork(self, last_note: str, note: str, proof: list[bytes], reason: str) -> Path:
        """Keep the evidence of a fork: both notes, the proof, and why it fails."""
        head = parse_checkpoint(parse_note(note).text)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.state_dir / FORKS_DIR / f"{stamp}-size{head.size}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "reason": reason,
            "origin": self.origin,
            "last_cosigned": last_note,
            "offered": note,
            "consistency_proof": [base64.b64encode(h).decode() for h in proof],
        }
        _write_durably(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return path


def _write_durably(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def tile_proof(client: LogClient, old: Checkpoint, new: Checkpoint) -> list[bytes]:
    """Return the consistency proof from ``old`` to ``new`` computed from the log's tiles."""
    if old.size == 0 or old.size >= new.size:
        return []
    cache: dict[str, bytes] = {}

    def get_tile(tile: tiles.Tile) -> bytes:
        path = tile.path()
        if path not in cache:
            cache[path] = client.tile(path)
        return cache[path]

    get_node = tiles.tile_node_getter(new.size, get_tile)
    return tree.consistency_proof(old.size, new.size, get_node)


def _without(note: str, name: str) -> str:
    """Drop signature lines under our name: whatever they are, ours replaces them."""
    parsed = parse_note(note)
    return Note(parsed.text, tuple(s for s in parsed.signatures if s.name != name)).render()


def witness_once(me: Witness, client: LogClient, *, timestamp: int) -> Outcome:
    """Run one round: fetch, check, cosign or refuse. Raises WitnessError to retry."""
    note = client.checkpoint()
    head, _ = open_checkpoint(note, me.origin, list(me.log_verifiers))
    remembered = me.last()
    if remembered is not None and remembered[1] == head:
        if me.cosigner.name not in {s.name for s in parse_note(note).signatures}:
            client.submit(remembered[0])
            return Outcome("resubmitted", head.size)
        return Outcome("unchanged", head.size)
    last = None if remembered is None else remembered[1]
    try:
        proof = [] if last is None else tile_proof(client, last, head)
    except ValueError as exc:
        # Tiles that cannot be read back into nodes do not make a proof of anything.
        raise WitnessError(f"the log's tiles for size {head.size} are unusable: {exc}") from None
    try:
        result = witness(
            note=_without(note, me.cosigner.name),
            origin=me.origin,
            log_verifiers=list(me.log_verifiers),
            last=last,
            proof=proof,
            cosigner=me.cosigner,
            timestamp=timestamp,
        )
    except InconsistentCheckpoint as exc:
        assert remembered is not None  # a first checkpoint always extends nothing
        kept = me.keep_fork(remembered[0], note, proof, str(exc))
        return Outcome("fork", head.size, f"{exc}; evidence kept in {kept}")
    me.remember(result.note)
    client.submit(result.note)
    return Outcome("cosigned", head.size)
