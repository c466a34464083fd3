"""Open311 answers in JSON and XML, and the spec's error format.

One Python structure is written both ways, by the spec's Spark convention: a list under a plural
name becomes an XML container whose items take the singular name (``services`` → ``<service>``),
the root list of an answer is the JSON array itself. Text is UTF-8 everywhere; Thai stays Thai.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse

from ruam.core.errors import Bilingual

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
BANGKOK = ZoneInfo("Asia/Bangkok")
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# XML container → the name of each item in it.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, even escaped (a pasted control character would
# otherwise make the whole answer unreadable to a strict parser).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def w3(moment: dt.datetime | None) -> str | None:
    """A W3C date-time in Bangkok time, e.g. ``2026-11-24T09:42:29+07:00``."""
    if moment is None:
        return None
    return moment.astimezone(BANGKOK).isoformat(timespec="seconds")


def absolute(url: str) -> str:
    """A media or page URL as a client outside the site can fetch it."""
    if not url:
        return ""
    return urljoin(settings.RUAM_SITE_URL.rstrip("/") + "/", url)


def _text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> str:
    element = ET.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """``data`` as the answer in ``fmt``; ``root`` names the XML root element."""
    body = json.dumps(data, ensure_ascii=False) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPES[fmt], status=status)


def describe(field: str, message: Bilingual) -> str:
    """One error description, English then Thai: ``lat: This place is … / ตำแหน่งนี้ …``."""
    prefix = f"{field}: " if field else ""
    return f"{prefix}{message.en} / {message.th}"


def errors(fmt: str, status: int, problems: list[tuple[str, Bilingual]]) -> HttpResponse:
    """The spec's error answer: one ``{code, description}`` per problem."""
    data = [{"code": status, "description": describe(field, msg)} for field, msg in problems]
    return render(fmt if fmt in FORMATS else "xml", "errors", data, status=status)
