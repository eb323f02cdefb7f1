"""A local HTTP server that plays the SMS provider: it checks the signature, records each
message, and answers with the status the test sets (a real server on an ephemeral port)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jingwu.notifications.channels import signature_ok

SECRET = "provider-shared-secret"


@dataclass
class FakeProvider:
    url: str = ""
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not signature_ok(SECRET, body, self.headers.get("X-Signature", "")):
                provider.bad_signatures += 1
                self.send_response(401)
            else:
                provider.received.append(
                    {"body": json.loads(body), "content_type": self.headers["Content-Type"]}
                )
                self.send_response(provider.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"accepted": true}' if provider.status < 300 else b'{"error": "no"}')

        def log_message(self, *args: Any) -> None:
            return

    return Handler


@contextmanager
def running_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
