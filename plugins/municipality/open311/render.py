"""GeoReport v2 documents as JSON or XML, from the same plain data.

Handlers build lists of dicts named exactly as the specification names its fields; this module
only writes them out. XML follows the specification's element names: a list field becomes a
wrapper element with one child per item (`<attributes><attribute>…`), `true`/`false` for
booleans, an empty element for a missing value.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from litestar import Response

from hamyar.plugins.municipality.open311.characters import clean

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "services": "service",
    "service_requests": "request",
}
"""The element each list item gets, by the list's own element name."""


def _text(value: Any) -> str:
    """The element text; characters XML cannot carry are dropped (see `characters`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else clean(str(value))


def _fill(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(parent, key), child)
    elif isinstance(value, list):
        name = ITEM_NAMES.get(parent.tag, "item")
        for item in value:
            _fill(ET.SubElement(parent, name), item)
    else:
        parent.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (a list for list documents, a dict otherwise) under the element `root`."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document(
    value: Any, fmt: str, root: str, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response[bytes]:
    """A response holding `value`; `root` names the XML document element."""
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    return Response(
        content=body, status_code=status_code, media_type=MEDIA_TYPES[fmt], headers=headers
    )
