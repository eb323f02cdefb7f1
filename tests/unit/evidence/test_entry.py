"""Evidence entries: the 12 categories, the canonical v1 encoding and its limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.evidence import entry as ev
from jingwu.evidence.merkle import leaf_hash
from jingwu.web.i18n import gettext

SHANGHAI = timezone(timedelta(hours=8))
DIGEST = bytes(range(32))


def make(**changes: object) -> ev.Entry:
    fields: dict[str, object] = {
        "category": "scene_photo",
        "item": "GS03-20261129-0042-E01",
        "order": "GS03-20261129-0042",
        "sha256": DIGEST,
        "size": 123456,
        "media_type": "image/jpeg",
        "recorded_by": "PC-031245",
        "recorded_at": datetime(2026, 11, 29, 13, 2, 3, 250000, tzinfo=SHANGHAI),
    }
    fields.update(changes)
    return ev.Entry(**fields)  # type: ignore[arg-type]


def test_there_are_twelve_categories_each_with_a_translated_label() -> None:
    assert len(ev.CATEGORIES) == 12
    assert ev.category_label("mediation_agreement") == "mediation agreement"
    assert gettext("zh_CN", ev.category_label("body_camera_video")) == "执法记录仪视频"
    assert all(key.isascii() and key.islower() for key in ev.CATEGORIES)


def test_the_v1_encoding_is_the_documented_text() -> None:
    # docs/evidence.md shows this example; changing it breaks every existing leaf hash.
    expected = (
        "jingwu-evidence-entry/v1\n"
        "category scene_photo\n"
        "item GS03-20261129-0042-E01\n"
        "order GS03-20261129-0042\n"
        f"sha256 {DIGEST.hex()}\n"
        "size 123456\n"
        "media-type image/jpeg\n"
        "recorded-by PC-031245\n"
        "recorded-at 2026-11-29T05:02:03.250000Z\n"
        "version 1\n"
    ).encode()
    assert make().encode() == expected
    assert make().leaf_hash() == leaf_hash(expected)


def test_a_new_version_names_its_predecessor_and_a_note_is_escaped() -> None:
    first = make()
    second = make(version=2, previous=first.leaf_hash(), note="第二版\nC:\\photos")
    text = second.encode().decode()
    assert f"previous {first.leaf_hash().hex()}\n" in text
    assert text.endswith("note 第二版\\nC:\\\\photos\n")
    assert ev.decode(second.encode()) == second


codes = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}\Z")
notes = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\x7f"), max_size=50
).map(lambda s: "".join(c for c in s if c == "\n" or ord(c) >= 0x20))


@given(
    st.sampled_from(sorted(ev.CATEGORIES)),
    codes,
    codes,
    st.binary(min_size=32, max_size=32),
    st.integers(0, 2**63 - 1),
    st.datetimes(datetime(1970, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC)),
    notes,
    st.integers(1, 5),
)
def test_every_entry_decodes_to_itself_and_encodes_to_the_same_bytes(
    category: str,
    item: str,
    by: str,
    digest: bytes,
    size: int,
    when: datetime,
    note: str,
    version: int,
) -> None:
    previous = None if version == 1 else leaf_hash(b"prev")
    e = make(
        category=category,
        item=item,
        recorded_by=by,
        sha256=digest,
        size=size,
        recorded_at=when,
        note=note,
        version=version,
        previous=previous,
    )
    assert ev.decode(e.encode()) == e
    assert ev.from_json(e.to_json()) == e


def test_the_time_is_stored_in_utc_whatever_zone_it_is_given_in() -> None:
    local = make(recorded_at=datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI))
    utc = make(recorded_at=datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
    assert local.encode() == utc.encode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "selfie"}, "category"),
        ({"item": ""}, "item"),
        ({"item": "x" * 65}, "item"),
        ({"order": "GS 03"}, "order"),
        ({"recorded_by": "张三"}, "recorded_by"),
        ({"sha256": b"short"}, "sha256"),
        ({"size": -1}, "size"),
        ({"size": True}, "size"),
        ({"media_type": "jpeg"}, "media_type"),
        ({"media_type": "Image/JPEG"}, "media_type"),
        ({"recorded_at": datetime(2026, 1, 1)}, "recorded_at"),
        ({"version": 2}, "previous"),
        ({"previous": DIGEST}, "previous"),
        ({"version": 0}, "version"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "tab\there"}, "note"),
        ({"note": "crlf\r\n"}, "note"),
    ],
)
def test_it_rejects_bad_fields_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ev.EntryError) as caught:
        make(**changes)
    assert caught.value.field == field


def test_a_note_of_the_maximum_length_is_accepted() -> None:
    assert len(make(note="证" * ev.MAX_NOTE_CHARS).encode()) < ev.MAX_ENTRY_BYTES


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace("jingwu-evidence-entry/v1", "jingwu-evidence-entry/v2"),
        lambda t: t.replace("size 123456", "size 0123456"),
        lambda t: t.replace("version 1\n", "version 1\nextra x\n"),
        lambda t: t.replace(
            "item GS03-20261129-0042-E01\norder GS03-20261129-0042\n",
            "order GS03-20261129-0042\nitem GS03-20261129-0042-E01\n",
        ),
        lambda t: t.replace("version 1\n", "version 1"),
        lambda t: t.replace(".250000Z", "Z"),
        lambda t: t.replace("version 1\n", "version 1\nnote \n"),
        lambda t: t.replace("version 1\n", "version 1\nnote a\\tb\n"),
        lambda t: t.replace("sha256 00", "sha256 0A"),
        lambda t: t + "category audio\n",
    ],
)
def test_it_rejects_non_canonical_bytes(mutate: object) -> None:
    text = mutate(make().encode().decode())  # type: ignore[operator]
    with pytest.raises(ev.EntryError):
        ev.decode(text.encode())


def test_it_rejects_oversized_or_non_utf8_bytes() -> None:
    with pytest.raises(ev.EntryError, match="larger"):
        ev.decode(b"x" * (ev.MAX_ENTRY_BYTES + 1))
    with pytest.raises(ev.EntryError, match="UTF-8"):
        ev.decode(b"\xff\n")


def test_json_with_a_missing_or_extra_field_or_wrong_type_is_rejected() -> None:
    good = make().to_json()
    for broken in (
        {k: v for k, v in good.items() if k != "note"},
        {**good, "extra": 1},
        {**good, "sha256": 5},
        {**good, "previous": 5},
        [good],
    ):
        with pytest.raises(ev.EntryError):
            ev.from_json(broken)
