"""Benchmark: what oversized request bodies cost the server's memory.

``jingwu serve`` runs on a freshly seeded demo database (SQLite). A client in this process
sends 50 MB bodies the way an attacker would: JSON to ``POST /api/v1/notifications/read``
(with an officer's bearer token) and to ``POST /api/v1/iot/readings``, each once with a
``Content-Length`` and once chunked (no length, so only counting the bytes as they arrive
can stop it). Reported per body: the answer, the time to it, and the server's resident
memory (RSS) before and after, and its peak (VmHWM). ``--compare REV`` runs the server of an
earlier revision (its ``src`` from ``git archive``) the same way, for a before/after.

    .venv/bin/python bench/body_limits.py [--mb 50] [--compare REV]
        [--out bench/results/body_limits.md]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
JINGWU = str(ROOT / ".venv" / "bin" / "jingwu")
TARGET_MB = 400  # the server's RSS must stay below this, whatever it is sent


def _env(url: str, var: Path, src: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(var),
        "JINGWU_DEMO": "1",
        "JINGWU_LOG_FORMAT": "text",
        "PYTHONPATH": str(src),
    }


def _token(url: str, var: Path, src: Path) -> str:
    """Seed the demo and issue demo-officer a token (with the revision under test)."""
    env = _env(url, var, src)
    subprocess.run([JINGWU, "demo", "--seed-only"], env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "from jingwu.accounts import service as a\n"
        "from jingwu.accounts.scope import SYSTEM\n"
        "from jingwu.runtime import start\n"
        "rt = start()\n"
        "with rt.db.unit_of_work() as s:\n"
        "    print(a.create_token(s, SYSTEM, username='demo-officer', name='b', now=rt.clock()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return out.stdout.decode().strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, var: Path, src: Path) -> Iterator[tuple[int, int]]:
    port = _free_port()
    log = (var / "serve.log").open("ab")
    cmd = [JINGWU, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=_env(url, var, src), stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _bodies(mb: int) -> dict[str, bytes]:
    size = mb * 1_000_000
    ids = b'{"ids": [' + b"1," * (size // 2) + b"1]}"
    one = (
        b'{"device": "BS01-ENV-01", "channel": "telemetry", "payload": {"ts": 1795910398500, '
        b'"boot": "b", "seq": 1, "metrics": {"pm25": 35}}},'
    )
    readings = b'{"messages": [' + one * (size // len(one)) + one[:-1] + b"]}"
    return {"notifications/read": ids, "iot/readings": readings}


def send(port: int, path: str, body: bytes, token: str, *, chunked: bool) -> tuple[str, float]:
    """Send one body as a client would (writing in a thread, reading the answer meanwhile);
    the status line, or what happened instead, and the seconds until then."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(600)
    head = f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
    head += f"Authorization: Bearer {token}\r\n"
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {len(body)}\r\n"

    def write() -> None:
        with contextlib.suppress(OSError):
            sock.sendall(head.encode() + b"\r\n")
            step = 1 << 20
            for k in range(0, len(body), step):
                part = body[k : k + step]
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            if chunked:
                sock.sendall(b"0\r\n\r\n")

    started = time.monotonic()
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        raw = sock.recv(4096)
        answer = raw.split(b"\r\n", 1)[0].decode() or "closed without an answer"
    except OSError as exc:
        answer = f"{type(exc).__name__}"
    elapsed = time.monotonic() - started
    sock.close()
    writer.join(60)
    return answer.removeprefix("HTTP/1.1 "), elapsed


def measure(label: str, src: Path, mb: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="jingwu-bench-body-") as tmp:
        var = Path(tmp) / "var"
        url = f"sqlite:///{Path(tmp) / 'body.db'}"
        token = _token(url, var, src)
        bodies = _bodies(mb)
        with server(url, var, src) as (port, pid):
            httpx.get(f"http://127.0.0.1:{port}/api/v1/notifications", headers={
                "Authorization": f"Bearer {token}"})  # fmt: skip
            for path, body in bodies.items():
                for chunked in (False, True):
                    before, _ = memory_mb(pid)
                    answer, seconds = send(port, f"/api/v1/{path}", body, token, chunked=chunked)
                    time.sleep(0.5)  # let the server finish with the request
                    after, peak = memory_mb(pid)
                    row = {
                        "server": label,
                        "body": f"{len(body) / 1e6:.0f} MB {path}",
                        "sent": "chunked" if chunked else "Content-Length",
                        "answer": answer,
                        "seconds": seconds,
                        "before": before,
                        "after": after,
                        "peak": peak,
                    }
                    print(row, flush=True)
                    rows.append(row)
    return rows


def _revision_src(rev: str, tmp: Path) -> Path:
    archive = tmp / "src.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), rev, "src"], cwd=ROOT, check=True
    )
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "src"


def report(rows: list[dict[str, Any]], mb: int, compare: str | None) -> str:
    cmd = "python bench/body_limits.py" + (f" --mb {mb}" if mb != 50 else "")
    cmd += f" --compare {compare}" if compare else ""
    peak = max(r["peak"] for r in rows if r["server"] == "this revision")
    lines = [
        "## Oversized request bodies (body_limits.py)",
        "",
        f"Command: `{cmd}` ({platform.python_version()}, SQLite, one `jingwu serve` process). "
        f"Target: every oversized body refused with 413 and the server's RSS below "
        f"{TARGET_MB} MB. Result: peak RSS {peak:.0f} MB.",
        "",
        "| server | body | sent with | answer | s | RSS before MB | RSS after MB | peak MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['server']} | {r['body']} | {r['sent']} | {r['answer']} | {r['seconds']:.2f} "
            f"| {r['before']:.0f} | {r['after']:.0f} | {r['peak']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--compare", default=None, help="an earlier git revision to run too")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "body_limits.md"))
    args = parser.parse_args()
    rows = measure("this revision", ROOT / "src", args.mb)
    if args.compare:
        with tempfile.TemporaryDirectory(prefix="jingwu-bench-rev-") as tmp:
            rows += measure(args.compare, _revision_src(args.compare, Path(tmp)), args.mb)
    text = report(rows, args.mb, args.compare)
    Path(args.out).write_text(text)
    print(text)
    ok = all(r["answer"].startswith("413") for r in rows if r["server"] == "this revision")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
