"""Who the client is behind reverse proxies (pure): ``X-Forwarded-For`` is believed only
when it comes from a configured proxy (``JINGWU_TRUSTED_PROXIES``), never from anyone else.

A client can write any ``X-Forwarded-For`` it likes, so the header is read from the right:
each trusted proxy appends the address it received the request from, and the first address
(from the right) that is not a trusted proxy is the client. Without trusted proxies the
header is ignored and the peer of the TCP connection is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    """The parsed networks of the ``JINGWU_TRUSTED_PROXIES`` entries."""
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    """True when ``address`` is one of the trusted proxies."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in trusted)


def client_address(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy that forwarded
    the request, then the right-most address of ``X-Forwarded-For`` that is not a proxy."""
    if not trusted or not forwarded_for or not is_trusted(peer, trusted):
        return peer
    current = peer
    for raw in reversed(forwarded_for.split(",")):
        hop = raw.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return current  # garbage: the last proxy we trust is all we know
        if not is_trusted(hop, trusted):
            return hop
        current = hop
    return current
