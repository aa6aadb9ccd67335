"""Hamyar's XML namespace, in which the fields Plone's `definition.xml` has no place for travel.

Handlers, English titles, terminal and done states (`hamyar:done="True"`: the state that
finishes the work) and required comments are written as attributes in
`urn:hamyar:workflow`, as Plone's `i18n:` hints are: Plone ignores them, and Plone's files need
none.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

HAMYAR_NS = "urn:hamyar:workflow"
ET.register_namespace("hamyar", HAMYAR_NS)


def hamyar_attribute(name: str) -> str:
    """The qualified name of one of Hamyar's attributes (`{urn:hamyar:workflow}title_en`)."""
    return f"{{{HAMYAR_NS}}}{name}"
