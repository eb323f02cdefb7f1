"""A lean MQTT 3.1.1 publisher for the simulator and load tests (asyncio, QoS 1, pipelined).

General-purpose clients spend most of their time on bookkeeping per message; a publisher
that only CONNECTs, sends QoS 1 PUBLISH packets back to back and counts PUBACKs can keep a
broker busy from one core. It keeps at most ``window`` messages unacknowledged.
"""

from __future__ import annotations

import asyncio
import struct


class MqttRefused(ConnectionError):
    """The broker refused the CONNECT (bad credentials, not authorised...)."""


_CONNACK_REASONS = {
    1: "unacceptable protocol version",
    2: "client identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorised",
}


def _length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _utf8(s: str) -> bytes:
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def connect_packet(
    client_id: str,
    username: str | None = None,
    password: str | None = None,
    *,
    clean: bool = True,
    keepalive: int = 60,
    will: tuple[str, bytes] | None = None,
) -> bytes:
    """An MQTT 3.1.1 CONNECT (the will, if any, is sent with QoS 1)."""
    flags = (0x02 if clean else 0) | (0x80 if username else 0) | (0x40 if password else 0)
    payload = _utf8(client_id)
    if will is not None:
        flags |= 0x04 | 0x08
        payload += _utf8(will[0]) + struct.pack("!H", len(will[1])) + will[1]
    if username:
        payload += _utf8(username)
    if password:
        payload += _utf8(password)
    body = _utf8("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + payload
    return b"\x10" + _length(len(body)) + body


def publish_packet(topic: str, payload: bytes, mid: int) -> bytes:
    """A QoS 1 PUBLISH."""
    body = _utf8(topic) + struct.pack("!H", mid) + payload
    return b"\x32" + _length(len(body)) + body


class Publisher:
    """One MQTT connection that publishes with QoS 1 and counts acknowledgements."""

    def __init__(self, *, window: int = 1000) -> None:
        self.window = window
        self.sent = 0
        self.acked = 0
        self._mid = 0
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._space = asyncio.Event()
        self._space.set()
        self.error: BaseException | None = None

    async def connect(
        self,
        host: str,
        port: int,
        client_id: str,
        username: str | None = None,
        password: str | None = None,
        *,
        will: tuple[str, bytes] | None = None,
    ) -> None:
        """Open the connection; MqttRefused when the broker says no."""
        self._reader, self._writer = await asyncio.open_connection(host, port)
        self._writer.write(connect_packet(client_id, username, password, will=will))
        head = await self._reader.readexactly(4)
        if head[0] != 0x20 or head[3] != 0:
            self._writer.close()
            raise MqttRefused(_CONNACK_REASONS.get(head[3], f"CONNACK code {head[3]}"))
        self._task = asyncio.ensure_future(self._read_acks())

    async def _read_acks(self) -> None:
        assert self._reader is not None
        buf = b""
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    raise ConnectionError("the broker closed the connection")
                buf += data
                while len(buf) >= 2:
                    size = buf[1]  # PUBACK and PINGRESP bodies are short (one length byte)
                    if len(buf) < 2 + size:
                        break
                    if buf[0] == 0x40:
                        self.acked += 1
                    buf = buf[2 + size :]
                if self.sent - self.acked < self.window:
                    self._space.set()
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.error = exc
            self._space.set()

    @property
    def in_flight(self) -> int:
        """Messages sent and not yet acknowledged."""
        return self.sent - self.acked

    async def publish(self, topic: str, payload: bytes) -> None:
        """Send one QoS 1 message, waiting only when the window is full."""
        while self.sent - self.acked >= self.window:
            self._space.clear()
            await self._space.wait()
            if self.error is not None:
                raise ConnectionError(f"publishing failed: {self.error}")
        assert self._writer is not None
        self._mid = self._mid % 65535 + 1
        self._writer.write(publish_packet(topic, payload, self._mid))
        self.sent += 1

    async def publish_many(self, items: list[tuple[str, bytes]]) -> None:
        """Send several QoS 1 messages in one write (a gateway's share of a tick)."""
        if not items:
            return
        while self.sent - self.acked + len(items) > max(self.window, len(items)):
            self._space.clear()
            await self._space.wait()
            if self.error is not None:
                raise ConnectionError(f"publishing failed: {self.error}")
        assert self._writer is not None
        packets = []
        for topic, payload in items:
            self._mid = self._mid % 65535 + 1
            packets.append(publish_packet(topic, payload, self._mid))
        self._writer.write(b"".join(packets))
        self.sent += len(items)

    async def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything sent is acknowledged; False on timeout."""
        assert self._writer is not None
        await self._writer.drain()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.acked < self.sent and self.error is None:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return self.error is None

    async def close(self) -> None:
        """DISCONNECT (so the broker does not publish the will) and close."""
        if self._writer is None:
            return
        try:
            self._writer.write(b"\xe0\x00")
            await self._writer.drain()
        except ConnectionError:
            pass
        if self._task is not None:
            self._task.cancel()
        self._writer.close()
