"""X-Forwarded-For counts only when it comes from a configured proxy (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jingwu.web.proxies import client_address, networks

PROXIES = networks(("10.0.0.0/24", "fd00::1"))


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("203.0.113.9", "198.51.100.7", ()) == "203.0.113.9"


def test_a_client_cannot_choose_its_address_by_sending_the_header() -> None:
    assert client_address("203.0.113.9", "198.51.100.7", PROXIES) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client() -> None:
    assert client_address("10.0.0.5", "198.51.100.7", PROXIES) == "198.51.100.7"


def test_a_forged_entry_before_the_proxies_own_is_skipped() -> None:
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    forwarded = "1.2.3.4, 198.51.100.7"
    assert client_address("10.0.0.5", forwarded, PROXIES) == "198.51.100.7"


def test_chained_proxies_are_walked_from_the_right() -> None:
    assert client_address("10.0.0.5", "198.51.100.7, 10.0.0.9", PROXIES) == "198.51.100.7"
    assert client_address("fd00::1", "2001:db8::7", PROXIES) == "2001:db8::7"


def test_garbage_in_the_header_stops_at_the_last_trusted_hop() -> None:
    assert client_address("10.0.0.5", "evil, not-an-ip", PROXIES) == "10.0.0.5"


@given(st.lists(st.ip_addresses(v=4).map(str), max_size=5), st.ip_addresses(v=4).map(str))
def test_an_untrusted_peer_is_always_the_client(hops: list[str], peer: str) -> None:
    if not peer.startswith("10.0.0."):
        assert client_address(peer, ", ".join(hops), PROXIES) == peer
