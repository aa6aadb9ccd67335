"""The places cases happen in: provinces, counties, neighbourhoods and municipal districts.

`iran.json` holds the demo geography — Alborz, Qazvin, Hamedan and Tehran with their real
counties, neighbourhood names, approximate centres, the municipal district that owns each
neighbourhood (137 reports route to it) and the deprived neighbourhoods the seeds' social
headquarters target. `load_places` writes it idempotently, keyed by code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.storage.models import County, Neighbourhood, Province
from hamyar.core.storage.reference_rows import reference
from hamyar.core.text.folding import normalize, to_persian_digits

DATA = Path(__file__).with_name("iran.json")
_NUMBERED = re.compile(r"^(?P<county>[a-z-]+)-(?P<n>\d+)$")


@cache
def geography() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def neighbourhood_records() -> list[dict[str, Any]]:
    """Every neighbourhood with its county and province codes, in file order."""
    return [
        {**nb, "county": county["code"], "province": province["code"]}
        for province in geography()["provinces"]
        for county in province["counties"]
        for nb in county["neighbourhoods"]
    ]


@cache
def district_titles() -> dict[str, str]:
    """District code → its Persian name ("منطقه ۵ شهرداری کرج", "شهرداری تنکمان")."""
    counties = {c["code"]: c for p in geography()["provinces"] for c in p["counties"]}
    titles: dict[str, str] = {}
    for record in neighbourhood_records():
        code, county = record["district"], counties[record["county"]]
        match = _NUMBERED.match(code)
        if match and match["county"] in counties:
            name = counties[match["county"]]["name_fa"]
            titles[code] = f"منطقه {to_persian_digits(match['n'])} شهرداری {name}"
        elif code == county["code"]:
            titles[code] = f"شهرداری {county['name_fa']}"
        else:
            titles[code] = f"شهرداری {record['name_fa']}"
    return titles


@cache
def district_titles_en() -> dict[str, str]:
    """District code → its English name ("Karaj municipality, district 5")."""
    counties = {c["code"]: c for p in geography()["provinces"] for c in p["counties"]}
    titles: dict[str, str] = {}
    for record in neighbourhood_records():
        code, county = record["district"], counties[record["county"]]
        match = _NUMBERED.match(code)
        if match and match["county"] in counties:
            titles[code] = (
                f"{counties[match['county']]['name_en']} municipality, district {match['n']}"
            )
        elif code == county["code"]:
            titles[code] = f"{county['name_en']} municipality"
        else:
            titles[code] = f"{record['name_en']} municipality"
    return titles


def district_title(code: str | None) -> str:
    if not code:
        return ""
    return district_titles().get(code, code)


@dataclass(frozen=True, slots=True)
class Place:
    """A neighbourhood with the county and province it lies in: what routing reads of where a
    case happens, shared by every session of the process (`place`)."""

    id: int
    code: str
    name_fa: str
    name_en: str
    county_id: int
    district: str | None
    """The municipal district that owns the neighbourhood."""
    deprived: bool
    county_code: str
    province_code: str


def _places(session: Session) -> Mapping[int, Place]:
    rows = session.exec(
        select(Neighbourhood, County.code, Province.code)
        .join(County, col(County.id) == col(Neighbourhood.county_id))
        .join(Province, col(Province.id) == col(County.province_id))
    ).all()
    return MappingProxyType(
        {
            int(nb.id): Place(
                id=int(nb.id),
                code=nb.code,
                name_fa=nb.name_fa,
                name_en=nb.name_en,
                county_id=nb.county_id,
                district=nb.district,
                deprived=nb.deprived,
                county_code=county,
                province_code=province,
            )
            for nb, county, province in rows
            if nb.id is not None
        }
    )


def place(session: Session, neighbourhood_id: int | None) -> Place | None:
    """The neighbourhood `neighbourhood_id` and where it lies; None for none or an unknown id.
    Places are reference rows (`storage.reference_rows`): read once per process until any
    process of the machine adds or changes one."""
    if neighbourhood_id is None:
        return None
    return reference.read(session, "places", _places).get(neighbourhood_id)


def load_places(session: Session) -> dict[str, int]:
    """Insert the provinces, counties and neighbourhoods that are missing; update none.

    Returns how many of each were added, so a second run reports zeros.
    """
    added = {"provinces": 0, "counties": 0, "neighbourhoods": 0}
    provinces = {p.code: p for p in session.exec(select(Province)).all()}
    counties = {c.code: c for c in session.exec(select(County)).all()}
    known = set(session.exec(select(Neighbourhood.code)).all())
    for p in geography()["provinces"]:
        province = provinces.get(p["code"])
        if province is None:
            province = Province(code=p["code"], name_fa=p["name_fa"], name_en=p["name_en"])
            session.add(province)
            session.flush()
            added["provinces"] += 1
        for c in p["counties"]:
            county = counties.get(c["code"])
            if county is None:
                county = County(
                    code=c["code"],
                    province_id=province.id,  # type: ignore[arg-type]
                    name_fa=c["name_fa"],
                    name_en=c["name_en"],
                )
                session.add(county)
                session.flush()
                added["counties"] += 1
            assert county.id is not None
            for nb in c["neighbourhoods"]:
                if nb["code"] in known:
                    continue
                session.add(
                    Neighbourhood(
                        code=nb["code"],
                        county_id=county.id,
                        name_fa=nb["name_fa"],
                        name_en=nb["name_en"],
                        district=nb["district"],
                        deprived=nb["deprived"],
                        lat=nb["lat"],
                        lon=nb["lon"],
                        search_name=normalize(nb["name_fa"]),
                    )
                )
                added["neighbourhoods"] += 1
    session.flush()
    return added
