"""`/api/neighbourhoods`: the province → county → neighbourhood tree cases are filed under."""

from __future__ import annotations

from typing import Any

from litestar import get
from sqlmodel import select

from hamyar.core.storage.models import County, Neighbourhood, Province
from hamyar.core.web.dependencies import ActorDep, DbDep


@get("/neighbourhoods", sync_to_thread=True, tags=["places"])
def neighbourhoods(db: DbDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Provinces, each with its counties, each with its neighbourhoods."""
    provinces = db.exec(select(Province).order_by(Province.id)).all()  # type: ignore[arg-type]
    counties = db.exec(select(County).order_by(County.id)).all()  # type: ignore[arg-type]
    places = db.exec(select(Neighbourhood).order_by(Neighbourhood.id)).all()  # type: ignore[arg-type]
    by_county: dict[int, list[dict[str, Any]]] = {}
    for n in places:
        by_county.setdefault(n.county_id, []).append(n.as_dict())
    by_province: dict[int, list[dict[str, Any]]] = {}
    for c in counties:
        by_province.setdefault(c.province_id, []).append(
            {
                "id": c.id,
                "code": c.code,
                "name_fa": c.name_fa,
                "name_en": c.name_en,
                "neighbourhoods": by_county.get(c.id or 0, []),
            }
        )
    return [
        {
            "id": p.id,
            "code": p.code,
            "name_fa": p.name_fa,
            "name_en": p.name_en,
            "counties": by_province.get(p.id or 0, []),
        }
        for p in provinces
    ]
