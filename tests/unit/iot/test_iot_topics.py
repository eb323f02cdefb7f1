"""Topic layout jingwu/v1/{station}/{device}/{channel}: building and parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.iot.topics import (
    SHARED_SUBSCRIPTION,
    Channel,
    Topic,
    TopicError,
    build_topic,
    device_filter,
    parse_topic,
    station_filter,
)

codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True)


def test_the_shared_subscription_covers_every_device_channel() -> None:
    assert SHARED_SUBSCRIPTION == "$share/jingwu/jingwu/v1/+/+/+"


def test_it_parses_a_telemetry_topic() -> None:
    assert parse_topic("jingwu/v1/GS03/env-0007/telemetry") == Topic(
        "GS03", "env-0007", Channel.TELEMETRY
    )


@given(codes, codes, st.sampled_from(list(Channel)))
def test_parsing_inverts_building(station: str, device: str, channel: Channel) -> None:
    topic = build_topic(station, device, channel)
    assert parse_topic(topic) == Topic(station, device, channel)
    assert str(parse_topic(topic)) == topic


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("jingwu/v2/GS03/d1/telemetry", "not of the form"),
        ("jingwu/v1/GS03/d1", "not of the form"),
        ("jingwu/v1/GS03/d1/telemetry/extra", "not of the form"),
        ("other/v1/GS03/d1/telemetry", "not of the form"),
        ("jingwu/v1/GS03/d1/metrics", "unknown channel 'metrics'"),
        ("jingwu/v1//d1/event", "station code ''"),
        ("jingwu/v1/GS03/d 1/event", "device code 'd 1'"),
        ("jingwu/v1/GS03/$d1/status", "device code"),
        ("jingwu/v1/GS:03/d1/status", "station code"),
    ],
)
def test_it_says_which_part_of_a_bad_topic_is_wrong(topic: str, message: str) -> None:
    with pytest.raises(TopicError, match=message):
        parse_topic(topic)


def test_it_refuses_to_build_topics_from_wildcards() -> None:
    with pytest.raises(TopicError):
        build_topic("GS03", "+", Channel.EVENT)
    with pytest.raises(TopicError):
        device_filter("#", "d1")
    with pytest.raises(TopicError):
        build_topic("GS03", "d1", "metrics")


def test_filters_cover_one_device_or_one_station() -> None:
    assert device_filter("GS03", "d1") == "jingwu/v1/GS03/d1/#"
    assert station_filter("GS03") == "jingwu/v1/GS03/+/+"
