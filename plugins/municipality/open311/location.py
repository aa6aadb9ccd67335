"""Which neighbourhood a report falls in, from the location an Open311 client sent.

Routing is by category and neighbourhood (a municipal district owns each neighbourhood), so
the point or address a citizen gave must become a neighbourhood. Order of evidence:
`address_id` (our address ids are neighbourhood codes), then a point (inside a boundary
polygon, else the nearest centre within `MAX_NEAREST_KM`), then the neighbourhood name found
in the typed address. A location that matches nothing leaves the case without a
neighbourhood: the coordinators' triage decides, as for any unroutable case.
"""

from __future__ import annotations

from sqlmodel import Session, select

from hamyar import Neighbourhood, search_tokens
from hamyar.plugins.municipality.open311.geo import haversine_km, point_in_polygon

MAX_NEAREST_KM = 25.0
"""A point farther than this from every known centre is outside our jurisdiction's map."""


def by_address_id(session: Session, address_id: str) -> Neighbourhood | None:
    return session.exec(select(Neighbourhood).where(Neighbourhood.code == address_id)).first()


def by_point(session: Session, lat: float, lon: float) -> Neighbourhood | None:
    """The neighbourhood whose boundary holds the point, else the one with the nearest centre."""
    rows = session.exec(select(Neighbourhood).order_by(Neighbourhood.id)).all()  # type: ignore[arg-type]
    for row in rows:
        if row.boundary and point_in_polygon(lon, lat, row.boundary):
            return row
    best: tuple[float, Neighbourhood] | None = None
    for row in rows:
        centre = row.point()
        if centre is None:
            continue
        distance = haversine_km(lat, lon, *centre)
        if distance <= MAX_NEAREST_KM and (best is None or distance < best[0]):
            best = (distance, row)
    return best[1] if best else None


def _words(text: str) -> str:
    return " ".join(search_tokens(text))


def _names(row: Neighbourhood) -> set[str]:
    """Each name as words, and multi-word names also written solid ("نازی اباد", "نازیاباد")."""
    names = {_words(n) for n in (row.search_name, row.name_fa, row.name_en) if n}
    names |= {n.replace(" ", "") for n in names}
    return {n for n in names if n}


def by_address(session: Session, address: str) -> Neighbourhood | None:
    """The neighbourhood whose name appears in the address, the longest name winning.

    Both sides are Persian-normalised, so "نازي آباد" typed with an Arabic yeh finds
    "نازی‌آباد"; the longest match wins so "شهرک غرب" beats a neighbourhood called "غرب".
    Names are matched as whole words (punctuation and ZWNJ separate words), never inside
    another word.
    """
    text = f" {_words(address)} "
    best: tuple[int, Neighbourhood] | None = None
    for row in session.exec(select(Neighbourhood).order_by(Neighbourhood.id)).all():  # type: ignore[arg-type]
        for name in _names(row):
            if f" {name} " in text and (best is None or len(name) > best[0]):
                best = (len(name), row)
    return best[1] if best else None


def locate(
    session: Session,
    *,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    address_id: str | None = None,
) -> Neighbourhood | None:
    """The best neighbourhood for whatever location evidence there is, or None."""
    if address_id:
        found = by_address_id(session, address_id)
        if found:
            return found
    if lat is not None and lon is not None:
        found = by_point(session, lat, lon)
        if found:
            return found
    if address:
        return by_address(session, address)
    return None
