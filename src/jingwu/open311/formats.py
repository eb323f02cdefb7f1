"""The two wire formats of GeoReport v2 (pure): JSON arrays and XML documents.

Every record is written with exactly the fields of its list in :mod:`jingwu.open311.spec`,
in that order; a missing value is ``null`` in JSON and an empty element in XML. Booleans are
``true``/``false`` in both. XML lists nest as the specification shows them: ``services`` of
``service``, ``service_requests`` of ``request``, ``errors`` of ``error``, a definition's
``attributes`` of ``attribute`` and their ``values`` of ``value``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

import orjson

from jingwu.open311 import spec

Record = Mapping[str, Any]

# (root element, item element) of each kind of answer
ROOTS: dict[str, tuple[str, str]] = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
CHILDREN = {"attributes": "attribute", "values": "value"}
FIELDS: dict[str, tuple[str, ...]] = {
    "attribute": spec.ATTRIBUTE_FIELDS,
    "value": spec.VALUE_FIELDS,
}
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def shaped(record: Record, fields: Sequence[str]) -> dict[str, Any]:
    """The record with exactly ``fields``, in order (absent ones None)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = record.get(name)
        if name in CHILDREN and isinstance(value, list):
            child = CHILDREN[name]
            value = [shaped(v, FIELDS[child]) for v in value]
        out[name] = value
    return out


# Characters XML 1.0 cannot carry (controls, surrogates, U+FFFE/U+FFFF): dropped, so that an
# echoed bad parameter cannot make the document malformed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return _NOT_XML.sub("", ",".join(str(v) for v in value))
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, record: Mapping[str, Any]) -> None:
    for name, value in record.items():
        node = ET.SubElement(parent, name)
        if name in CHILDREN and isinstance(value, list):
            for item in value:
                _fill(ET.SubElement(node, CHILDREN[name]), item)
        else:
            node.text = _text(value)


def _xml(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def render_list(kind: str, records: Sequence[Record], fields: Sequence[str], fmt: str) -> bytes:
    """A list answer (services, requests, errors) in ``fmt``."""
    rows = [shaped(r, fields) for r in records]
    if fmt == "json":
        return orjson.dumps(rows)
    root_name, item_name = ROOTS[kind]
    root = ET.Element(root_name)
    for row in rows:
        _fill(ET.SubElement(root, item_name), row)
    return _xml(root)


def render_definition(record: Record, fmt: str) -> bytes:
    """A service definition: one object (JSON) or ``<service_definition>`` (XML)."""
    row = shaped(record, spec.DEFINITION_FIELDS)
    if fmt == "json":
        return orjson.dumps(row)
    root = ET.Element("service_definition")
    _fill(root, row)
    return _xml(root)


def render_errors(errors: Sequence[Record], fmt: str) -> bytes:
    """The specification's error list."""
    return render_list("errors", errors, spec.ERROR_FIELDS, fmt)
