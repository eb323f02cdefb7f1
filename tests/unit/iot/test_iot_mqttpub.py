"""The lean publisher's packets follow MQTT 3.1.1 (checked against paho's decoder)."""

from __future__ import annotations

import struct

from jingwu.iot.mqttpub import connect_packet, publish_packet


def remaining_length(packet: bytes) -> tuple[int, int]:
    """(length, bytes used) of the variable-length field after the first byte."""
    value, mult, k = 0, 1, 1
    while True:
        byte = packet[k]
        value += (byte & 0x7F) * mult
        mult *= 128
        k += 1
        if not byte & 0x80:
            return value, k


def test_a_publish_packet_carries_topic_packet_id_and_payload() -> None:
    payload = b"x" * 300  # needs two length bytes
    packet = publish_packet("jingwu/v1/BS01/D-1/telemetry", payload, 513)
    assert packet[0] == 0x32  # PUBLISH, QoS 1
    length, start = remaining_length(packet)
    assert length == len(packet) - start
    (topic_len,) = struct.unpack("!H", packet[start : start + 2])
    topic = packet[start + 2 : start + 2 + topic_len].decode()
    (mid,) = struct.unpack("!H", packet[start + 2 + topic_len : start + 4 + topic_len])
    assert (topic, mid, packet[start + 4 + topic_len :]) == (
        "jingwu/v1/BS01/D-1/telemetry",
        513,
        payload,
    )


def test_a_connect_packet_sets_the_flags_for_login_will_and_session() -> None:
    packet = connect_packet("cid", "user", "pw", clean=False, will=("t/x", b"bye"))
    length, start = remaining_length(packet)
    body = packet[start:]
    assert packet[0] == 0x10 and length == len(body)
    assert body[:6] == b"\x00\x04MQTT" and body[6] == 4
    flags = body[7]
    assert flags & 0x80 and flags & 0x40 and flags & 0x04 and flags & 0x08 and not flags & 0x02
    assert body.endswith(b"\x00\x04user\x00\x02pw")
