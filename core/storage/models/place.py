"""Where cases happen: province → county → neighbourhood."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import JSONType


class Province(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name_fa: str
    name_en: str


class County(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    province_id: int = Field(foreign_key="province.id", index=True)
    name_fa: str
    name_en: str


class Neighbourhood(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    county_id: int = Field(foreign_key="county.id", index=True)
    name_fa: str
    name_en: str
    district: str | None = Field(default=None, max_length=64)
    """The municipal district that owns the neighbourhood (137 reports route to it)."""
    deprived: bool = False
    """One of the target neighbourhoods of the provincial social headquarters."""
    lat: float | None = None
    lon: float | None = None
    boundary: list[list[float]] | None = Field(default=None, sa_column=Column(JSONType))
    """Polygon as [[lon, lat], …], when known."""
    search_name: str = ""
    """Normalised Persian name, for matching what people type."""

    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude={"boundary", "search_name"})
