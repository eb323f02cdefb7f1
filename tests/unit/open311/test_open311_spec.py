"""The pure Open311 core: both formats carry exactly the specification's fields, errors are
its error list, W3C dates and the filters of GET requests are checked."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.open311 import catalogue, formats, spec
from jingwu.open311.spec import Open311Error

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ENTRY = catalogue.Entry("fight", "security", "打架斗殴", "Fight or assault", "red")

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
values = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | texts


@given(st.lists(st.fixed_dictionaries(dict.fromkeys(spec.REQUEST_FIELDS, values)), max_size=5))
def test_both_formats_carry_every_field_of_every_record(rows: list[dict[str, object]]) -> None:
    parsed = orjson.loads(formats.render_list("requests", rows, spec.REQUEST_FIELDS, "json"))
    assert [list(r) for r in parsed] == [list(spec.REQUEST_FIELDS)] * len(rows)
    root = ET.fromstring(formats.render_list("requests", rows, spec.REQUEST_FIELDS, "xml"))
    assert root.tag == "service_requests"
    assert [c.tag for c in root] == ["request"] * len(rows)
    for element, row in zip(root, rows, strict=True):
        assert [c.tag for c in element] == list(spec.REQUEST_FIELDS)
        for child in element:
            value = row[child.tag]
            if value is None:
                assert child.text is None
            elif isinstance(value, bool):
                assert child.text == ("true" if value else "false")
            else:
                assert (child.text or "") == str(value)


@given(st.dictionaries(st.sampled_from((*spec.SERVICE_FIELDS, "extra", "secret")), values))
def test_a_record_is_shaped_to_its_fields_alone(record: dict[str, object]) -> None:
    shaped = formats.shaped(record, spec.SERVICE_FIELDS)
    assert list(shaped) == list(spec.SERVICE_FIELDS)
    assert all(shaped[f] == record.get(f) for f in spec.SERVICE_FIELDS)


@given(st.text(max_size=40))
def test_any_text_makes_well_formed_xml(text: str) -> None:
    exc = Open311Error(400, f"status must be open or closed, not {text}.")
    root = ET.fromstring(formats.render_errors(exc.errors(), "xml"))
    assert (root.findtext("error/description") or "").startswith("status must be")
    assert orjson.loads(formats.render_errors(exc.errors(), "json"))[0]["code"] == 400


def test_errors_are_the_specification_list_in_both_formats() -> None:
    exc = Open311Error(403, "api_key is missing or invalid.")
    assert orjson.loads(formats.render_errors(exc.errors(), "json")) == [
        {"code": 403, "description": "api_key is missing or invalid."}
    ]
    root = ET.fromstring(formats.render_errors(exc.errors(), "xml"))
    assert root.tag == "errors"
    (error,) = list(root)
    assert error.tag == "error"
    assert [(c.tag, c.text) for c in error] == [
        ("code", "403"),
        ("description", "api_key is missing or invalid."),
    ]


def test_a_definition_nests_attributes_and_values_as_the_spec_shows() -> None:
    record = catalogue.definition(ENTRY, "en")
    data = orjson.loads(formats.render_definition(record, "json"))
    assert list(data) == ["service_code", "attributes"]
    for attribute in data["attributes"]:
        assert list(attribute) == list(spec.ATTRIBUTE_FIELDS)
        assert attribute["datatype"] in spec.DATATYPES
        for value in attribute["values"]:
            assert list(value) == ["key", "name"]
    root = ET.fromstring(formats.render_definition(record, "xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert attributes is not None
    assert {a.tag for a in attributes} == {"attribute"}
    ongoing = next(a for a in attributes if a.findtext("code") == "ongoing")
    assert [c.tag for c in ongoing] == list(spec.ATTRIBUTE_FIELDS)
    assert ongoing.findtext("required") == "true"
    assert [(v.findtext("key"), v.findtext("name")) for v in ongoing.iter("value")] == [
        ("yes", "Yes"),
        ("no", "No"),
    ]


@given(st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1)))
def test_w3c_times_round_trip(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=dt.UTC)
    written = spec.w3c(moment, SHANGHAI)
    assert written is not None and written.endswith("+08:00")
    assert spec.parse_w3c(written, "start_date") == moment
    assert spec.parse_w3c(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "start_date") == moment


@pytest.mark.parametrize(
    "text", ["2026-12-01T00:00:00", "yesterday", "2026-13-01", "2026-12-01T25:00Z", "", "1e9"]
)
def test_a_time_without_zone_or_not_a_time_is_400(text: str) -> None:
    with pytest.raises(Open311Error) as caught:
        spec.parse_w3c(text, "start_date")
    assert caught.value.status == 400
    assert "start_date" in caught.value.description


def test_a_date_alone_is_midnight_utc() -> None:
    assert spec.parse_w3c("2026-12-01", "end_date") == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_filters_default_to_the_last_90_days_and_1000_results() -> None:
    f = spec.parse_filters({}, now=NOW)
    assert (f.start, f.end, f.limit) == (NOW - dt.timedelta(days=90), NOW, 1000)
    only_end = spec.parse_filters({"end_date": "2026-11-01T00:00:00Z"}, now=NOW)
    assert only_end.end is not None and only_end.start == only_end.end - dt.timedelta(days=90)
    only_start = spec.parse_filters({"start_date": "2026-11-01T00:00:00+08:00"}, now=NOW)
    assert only_start.start == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)
    assert only_start.end == NOW


def test_ids_override_every_other_filter() -> None:
    f = spec.parse_filters(
        {"service_request_id": "A-1, B-2,A-1", "status": "bogus", "start_date": "x"}, now=NOW
    )
    assert f.ids == ("A-1", "B-2")
    assert f.start is None and f.statuses == () and f.service_codes == ()


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"status": "open,pending"}, "status"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "before"),
        ({"service_request_id": ",".join(str(i) for i in range(101))}, "at most"),
        ({"service_code": ",".join(f"c{i}" for i in range(51))}, "at most 50"),
    ],
)
def test_bad_filters_are_400(params: dict[str, str], words: str) -> None:
    with pytest.raises(Open311Error) as caught:
        spec.parse_filters(params, now=NOW)
    assert caught.value.status == 400 and words in caught.value.description


@given(st.lists(st.sampled_from(["open", "closed"]), min_size=1, max_size=4))
def test_status_lists_keep_order_without_repeats(statuses: list[str]) -> None:
    f = spec.parse_filters({"status": ",".join(statuses)}, now=NOW)
    assert f.statuses == tuple(dict.fromkeys(statuses))


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True))
def test_points_outside_wgs84_are_refused(lat: float, lon: float) -> None:
    try:
        point = spec.parse_point(repr(lat), repr(lon))
    except Open311Error as exc:
        assert exc.status == 400
    else:
        assert point is not None and -90 <= point[0] <= 90 and -180 <= point[1] <= 180


def test_resources_name_json_or_xml() -> None:
    assert spec.split_resource("theft.json") == ("theft", "json")
    assert spec.split_resource("SA01-20261207-0001.xml") == ("SA01-20261207-0001", "xml")
    for bad in ("theft", "theft.html", ".json", "theft."):
        with pytest.raises(Open311Error):
            spec.split_resource(bad)


def test_attributes_of_a_form_and_their_checks() -> None:
    answers = spec.attributes_of(
        [("attribute[ongoing]", "yes"), ("attribute[place_note][]", "3号楼"), ("lat", "1")]
    )
    assert answers == {"ongoing": ["yes"], "place_note": ["3号楼"]}
    problems, lines = catalogue.check_answers("security", answers)
    assert problems == []
    assert "Is it happening now? yes" in lines
    problems, _ = catalogue.check_answers("security", {"bogus": ["1"]})
    assert "attribute[bogus] is not an attribute of this service." in problems
    assert "attribute[ongoing] is required." in problems
    problems, _ = catalogue.check_answers(
        "dispute", {"parties": ["many"], "occurred_at": ["yesterday"]}
    )
    assert problems == [
        "attribute[occurred_at] must be a W3C date-time.",
        "attribute[parties] must be a whole number.",
    ]


def test_services_are_named_in_the_request_language() -> None:
    zh, en = catalogue.service(ENTRY, "zh_CN"), catalogue.service(ENTRY, "en")
    assert list(zh) == list(spec.SERVICE_FIELDS)
    assert (zh["service_name"], zh["group"]) == ("打架斗殴", "治安防范")
    assert (en["service_name"], en["group"]) == ("Fight or assault", "Public security")
    assert en["type"] in spec.SERVICE_TYPES and en["metadata"] is True
    assert "110" in en["description"]
